package io.pipewright.adapters.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.adapters.connect.ConnectClient;
import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.adapters.support.InMemoryVault;
import io.pipewright.adapters.support.LocalEndpoints;
import io.pipewright.kernel.secret.SecretRef;
import io.pipewright.kernel.service.HbaManagement;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.NodeRole;
import io.pipewright.kernel.service.PluginInstallation;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.kernel.service.ServiceType;
import io.pipewright.kernel.service.SslMode;
import io.pipewright.localstack.LocalCertificateAuthority;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import io.pipewright.sagas.service.ProbeResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

/** The probes against the real PostgreSQL, Kafka and Kafka Connect of the local stack. */
class ServiceProbesTest {

    private static LocalStack stack;
    private static ServiceProbes probes;
    private static final InMemoryVault VAULT = new InMemoryVault();

    @BeforeAll
    static void startStack() {
        stack = LocalStack.builder().workDirectory(Path.of("target", "test-stack"))
                .withControlPlaneDatabase(false).start();
        ExternalCallLimits limits = ExternalCallLimits.defaults();
        probes = new ServiceProbes(new PostgresProbe(new SourceAdmin(VAULT, LocalEndpoints.POLICY, limits)),
                new KafkaProbe(new ConnectClient(WebClient.builder(), LocalEndpoints.POLICY, limits), limits,
                        LocalEndpoints.POLICY));
    }

    @AfterAll
    static void stopStack() {
        stack.close();
    }

    @Test
    void aPostgresqlWithLogicalWalIsRunning() {
        ProbeResult result = probes.probe(ServiceType.POSTGRESQL, postgres(stack.source(),
                stack.source().superuserPassword()), null);
        assertThat(result).isEqualTo(new ProbeResult(ServiceStatus.RUNNING, null, Map.of()));
    }

    @Test
    void aWalLevelBelowLogicalFailsWithWhatToChange() {
        PostgresServer source = stack.source();
        source.execute("postgres", "ALTER SYSTEM SET wal_level = replica");
        source.stop();
        source.start();
        try {
            ProbeResult result = probes.probe(ServiceType.POSTGRESQL, postgres(source, source.superuserPassword()),
                    null);
            assertThat(result.status()).isEqualTo(ServiceStatus.FAILED);
            assertThat(result.reason()).contains("wal_level is replica").contains("needs wal_level=logical");
        } finally {
            source.execute("postgres", "ALTER SYSTEM RESET wal_level");
            source.stop();
            source.start();
        }
    }

    @Test
    void aWrongPasswordFailsWithoutShowingIt() {
        String wrong = "wrong-" + UUID.randomUUID();
        ProbeResult result = probes.probe(ServiceType.POSTGRESQL, postgres(stack.source(), wrong), null);
        assertThat(result.status()).isEqualTo(ServiceStatus.FAILED);
        assertThat(result.reason()).isEqualTo("PostgreSQL at " + stack.source().host() + ":" + stack.source().port()
                + " refused the admin user postgres (wrong password, or no pg_hba.conf line admits it)");
    }

    @Test
    void anAdminDatabaseThatDoesNotExistFailsNamingIt() {
        PostgresServer source = stack.source();
        PostgresEndpoint endpoint = new PostgresEndpoint(List.of(new PostgresNode(source.host(), source.port(),
                NodeRole.PRIMARY)), "no_such_db", source.superuser(), vaulted(source.superuserPassword()),
                HbaManagement.FILE, SslMode.REQUIRE, null);
        ProbeResult result = probes.probe(ServiceType.POSTGRESQL, endpoint, null);
        assertThat(result.status()).isEqualTo(ServiceStatus.FAILED);
        assertThat(result.reason()).isEqualTo("PostgreSQL at " + source.host() + ":" + source.port()
                + " has no database \"no_such_db\"");
    }

    @Test
    void aPostgresqlThatDoesNotAnswerIsStillPending() {
        PostgresEndpoint nobody = new PostgresEndpoint(List.of(new PostgresNode("127.0.0.1", 1, NodeRole.PRIMARY)),
                "postgres", "postgres", vaulted("x"), HbaManagement.EXTERNAL, SslMode.REQUIRE, null);
        ProbeResult result = probes.probe(ServiceType.POSTGRESQL, nobody, null);
        assertThat(result.status()).isEqualTo(ServiceStatus.PENDING);
        assertThat(result.reason()).isEqualTo("could not connect to 127.0.0.1:1: connection refused");
    }

    @Test
    void aCertificateOfAnotherAuthorityFailsTheServiceOnEveryNodeAndIsPendingWhileANodeMayStillAnswer() {
        PostgresServer source = stack.source();
        String otherAuthority = LocalCertificateAuthority.generate("not the source's").certificatePem();
        String refused = "the TLS certificate of PostgreSQL at " + source.host() + ":" + source.port()
                + " could not be verified: it is not issued by the service's ca_certificate";
        PostgresNode primary = new PostgresNode(source.host(), source.port(), NodeRole.PRIMARY);

        ProbeResult oneNode = probes.probe(ServiceType.POSTGRESQL, verifying(List.of(primary), otherAuthority), null);
        assertThat(oneNode).isEqualTo(new ProbeResult(ServiceStatus.FAILED, refused, Map.of()));

        ProbeResult everyNode = probes.probe(ServiceType.POSTGRESQL, verifying(List.of(primary,
                new PostgresNode(source.host(), source.port(), NodeRole.STANDBY)), otherAuthority), null);
        assertThat(everyNode).isEqualTo(new ProbeResult(ServiceStatus.FAILED,
                "PostgreSQL: no node of the source is a primary now: " + refused + ", " + refused, Map.of()));

        ProbeResult nodeDown = probes.probe(ServiceType.POSTGRESQL, verifying(List.of(primary,
                new PostgresNode("127.0.0.1", 1, NodeRole.STANDBY)), otherAuthority), null);
        assertThat(nodeDown.status()).isEqualTo(ServiceStatus.PENDING);
    }

    @Test
    void kafkaWithItsConnectAddonIsRunning() {
        KafkaEndpoint kafka = new KafkaEndpoint(stack.kafka().bootstrapServers(),
                new KafkaConnectEndpoint(stack.connect().restUrl(), PluginInstallation.PREINSTALLED, null, null));
        assertThat(probes.probe(ServiceType.KAFKA, null, kafka)).isEqualTo(new ProbeResult(ServiceStatus.RUNNING,
                null, Map.of("kafka-connect", ServiceStatus.RUNNING)));
    }

    @Test
    void aConnectAddonThatDoesNotAnswerIsPendingWhileKafkaRuns() {
        KafkaEndpoint kafka = new KafkaEndpoint(stack.kafka().bootstrapServers(),
                new KafkaConnectEndpoint("http://127.0.0.1:1", PluginInstallation.PREINSTALLED, null, null));
        ProbeResult result = probes.probe(ServiceType.KAFKA, null, kafka);
        assertThat(result.status()).isEqualTo(ServiceStatus.RUNNING);
        assertThat(result.addonStatuses()).containsEntry("kafka-connect", ServiceStatus.PENDING);
        assertThat(result.reason())
                .isEqualTo("could not connect to Kafka Connect at http://127.0.0.1:1: connection refused");
    }

    @Test
    void aKafkaThatDoesNotAnswerIsPending() {
        ProbeResult result = probes.probe(ServiceType.KAFKA, null, new KafkaEndpoint("127.0.0.1:1", null));
        assertThat(result.status()).isEqualTo(ServiceStatus.PENDING);
        assertThat(result.reason()).isEqualTo("could not connect to Kafka at 127.0.0.1:1: connection refused");
    }

    private static PostgresEndpoint verifying(List<PostgresNode> nodes, String caCertificate) {
        PostgresServer source = stack.source();
        return new PostgresEndpoint(nodes, "postgres", source.superuser(), vaulted(source.superuserPassword()),
                HbaManagement.FILE, SslMode.VERIFY_FULL, caCertificate);
    }

    private static PostgresEndpoint postgres(PostgresServer server, String password) {
        return new PostgresEndpoint(List.of(new PostgresNode(server.host(), server.port(), NodeRole.PRIMARY)),
                "postgres", server.superuser(), vaulted(password), HbaManagement.FILE, SslMode.REQUIRE, null);
    }

    private static SecretRef vaulted(String password) {
        return VAULT.vaulted(password);
    }
}
