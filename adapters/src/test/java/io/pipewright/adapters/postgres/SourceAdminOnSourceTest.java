package io.pipewright.adapters.postgres;

import io.pipewright.adapters.support.LocalEndpoints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.adapters.support.HostileServer;
import io.pipewright.adapters.support.InMemoryVault;
import io.pipewright.kernel.service.HbaManagement;
import io.pipewright.kernel.service.NodeRole;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.kernel.service.SslMode;
import io.pipewright.localstack.LocalCertificateAuthority;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

/** The session limits and the TLS of every admin connection, against the real PostgreSQL 17 of the local stack. */
class SourceAdminOnSourceTest {

    /** Far above every bound below: the calls end by their bounds, not by this. */
    private static final Duration ENDS_WITHIN = Duration.ofSeconds(30);
    private static final ExternalCallLimits LIMITS = new ExternalCallLimits(Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(4), Duration.ofSeconds(2), Duration.ofSeconds(1), true,
            Duration.ofSeconds(45), DataSize.ofMegabytes(16), Duration.ofSeconds(5), Duration.ofSeconds(10));
    private static final InMemoryVault VAULT = new InMemoryVault();

    private static LocalStack stack;
    private static SourceAdmin admin;

    @BeforeAll
    static void startSource() {
        stack = LocalStack.builder().workDirectory(Path.of("target", "source-admin-stack"))
                .withControlPlaneDatabase(false).withKafka(false).withConnect(false).start();
        admin = new SourceAdmin(VAULT, LocalEndpoints.POLICY, LIMITS);
    }

    @AfterAll
    static void stopSource() {
        stack.close();
    }

    @Test
    void aDdlBehindTheApplicationsOpenTransactionGivesUpAfterTheLockTimeoutAndDoesNotQueueTheApplication()
            throws Exception {
        PostgresServer source = stack.source();
        source.createDatabase("lock_timeout_app");
        source.execute("lock_timeout_app", "CREATE TABLE orders (id int PRIMARY KEY)");
        PostgresEndpoint endpoint = endpoint(source);
        PostgresNode node = endpoint.nodes().get(0);
        try (Connection longTransaction = source.connect("lock_timeout_app");
             Connection application = source.connect("lock_timeout_app")) {
            longTransaction.setAutoCommit(false);
            try (Statement read = longTransaction.createStatement()) {
                read.executeQuery("SELECT count(*) FROM orders").close();
            }
            CompletableFuture<SQLException> ddl = CompletableFuture.supplyAsync(() -> {
                try (Connection connection = admin.connect(endpoint, node, "lock_timeout_app");
                     Statement statement = connection.createStatement()) {
                    statement.execute("ALTER TABLE orders REPLICA IDENTITY FULL");
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            CompletableFuture<Long> applicationRead = CompletableFuture.supplyAsync(() -> {
                awaitDdlQueued(source);
                try (Statement statement = application.createStatement();
                     ResultSet count = statement.executeQuery("SELECT count(*) FROM orders")) {
                    count.next();
                    return count.getLong(1);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            SQLException refused = assertTimeoutPreemptively(ENDS_WITHIN,
                    () -> ddl.get(ENDS_WITHIN.toSeconds(), TimeUnit.SECONDS));
            assertThat(refused.getSQLState()).isEqualTo("55P03");
            assertThat(admin.describe(refused, endpoint, node, "lock_timeout_app")).isEqualTo("PostgreSQL at "
                    + node.host() + ":" + node.port() + " did not grant a lock within the lock timeout of 1 s"
                    + " (a transaction of the application holds it; the step tries again later)");
            assertThat(applicationRead.get(ENDS_WITHIN.toSeconds(), TimeUnit.SECONDS)).isZero();
            assertThat(longTransaction.getAutoCommit()).isFalse();
            longTransaction.rollback();
        }
    }

    @Test
    void aStatementRunningPastTheStatementTimeoutIsCanceledByTheServer() {
        PostgresEndpoint endpoint = endpoint(stack.source());
        PostgresNode node = endpoint.nodes().get(0);
        SQLException canceled = assertTimeoutPreemptively(ENDS_WITHIN, () -> {
            try (Connection connection = admin.connect(endpoint, node, "postgres");
                 Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_sleep(20)");
                return null;
            } catch (SQLException e) {
                return e;
            }
        });
        assertThat(canceled.getSQLState()).isEqualTo("57014");
        assertThat(admin.describe(canceled, endpoint, node, "postgres")).isEqualTo("PostgreSQL at " + node.host()
                + ":" + node.port() + " canceled a statement that ran past the statement timeout of 2 s");
    }

    @Test
    void theVerifyingModesConnectOverTlsWithTheSourcesAuthorityAndRequireWithoutOne() throws SQLException {
        PostgresServer source = stack.source();
        for (SslMode mode : List.of(SslMode.VERIFY_FULL, SslMode.VERIFY_CA)) {
            assertThat(encrypted(endpoint(source, mode, source.caCertificatePem()))).as(mode.wireName()).isTrue();
        }
        assertThat(encrypted(endpoint(source, SslMode.REQUIRE, null))).isTrue();
        assertThat(encrypted(endpoint(source, SslMode.DISABLE, null))).isFalse();
    }

    @Test
    void aCertificateOfAnotherAuthorityIsRefusedSayingItCouldNotBeVerified() {
        PostgresServer source = stack.source();
        String otherAuthority = LocalCertificateAuthority.generate("not the source's").certificatePem();
        for (SslMode mode : List.of(SslMode.VERIFY_FULL, SslMode.VERIFY_CA)) {
            PostgresEndpoint endpoint = endpoint(source, mode, otherAuthority);
            PostgresNode node = endpoint.nodes().get(0);
            SQLException refused = assertTimeoutPreemptively(ENDS_WITHIN, () -> {
                try (Connection ignored = admin.connect(endpoint, node, "postgres")) {
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            assertThat(admin.describe(refused, endpoint, node, "postgres")).as(mode.wireName())
                    .isEqualTo("the TLS certificate of PostgreSQL at " + node.host() + ":" + node.port()
                            + " could not be verified: it is not issued by the service's ca_certificate");
            assertThat(PostgresFailures.retryCannotHelp(refused)).isTrue();
        }
    }

    @Test
    void aServerWithoutTlsIsRefusedWithRequireSayingSo() {
        try (HostileServer withoutTls = HostileServer.answering(new byte[] {'N'})) {
            PostgresEndpoint endpoint = new PostgresEndpoint(List.of(new PostgresNode("127.0.0.1", withoutTls.port(),
                    NodeRole.PRIMARY)), "postgres", "postgres", VAULT.vaulted("not-used"), HbaManagement.EXTERNAL,
                    SslMode.REQUIRE, null);
            PostgresNode node = endpoint.nodes().get(0);
            SQLException refused = assertTimeoutPreemptively(ENDS_WITHIN, () -> {
                try (Connection ignored = admin.connect(endpoint, node, "postgres")) {
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            assertThat(admin.describe(refused, endpoint, node, "postgres")).isEqualTo("PostgreSQL at 127.0.0.1:"
                    + withoutTls.port() + " does not accept TLS connections, which the service's ssl_mode requires"
                    + " (turn ssl on in the server, or register the service with ssl_mode disable)");
            assertThat(PostgresFailures.retryCannotHelp(refused)).isTrue();
        }
    }

    /** Whether an admin session on the source's node runs over TLS, as the server sees it. */
    private static boolean encrypted(PostgresEndpoint endpoint) throws SQLException {
        try (Connection connection = admin.connect(endpoint, endpoint.nodes().get(0), "postgres");
             Statement statement = connection.createStatement();
             ResultSet ssl = statement.executeQuery("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
            ssl.next();
            return ssl.getBoolean(1);
        }
    }

    /** Until the control plane's ALTER TABLE waits for its lock on the table. */
    private static void awaitDdlQueued(PostgresServer source) {
        long giveUpAt = System.nanoTime() + ENDS_WITHIN.toNanos();
        while (System.nanoTime() < giveUpAt) {
            try (Connection observer = source.connect("lock_timeout_app");
                 Statement statement = observer.createStatement();
                 ResultSet waiting = statement.executeQuery("""
                         SELECT count(*) FROM pg_locks
                         WHERE NOT granted AND relation = 'orders'::regclass AND mode = 'AccessExclusiveLock'""")) {
                waiting.next();
                if (waiting.getLong(1) > 0) {
                    return;
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
            Thread.onSpinWait();
        }
        throw new IllegalStateException("the DDL never waited for its lock");
    }

    private static PostgresEndpoint endpoint(PostgresServer source) {
        return endpoint(source, SslMode.REQUIRE, null);
    }

    private static PostgresEndpoint endpoint(PostgresServer source, SslMode sslMode, String caCertificate) {
        return new PostgresEndpoint(List.of(new PostgresNode(source.host(), source.port(), NodeRole.PRIMARY)),
                "postgres", source.superuser(), VAULT.vaulted(source.superuserPassword()), HbaManagement.EXTERNAL,
                sslMode, caCertificate);
    }
}
