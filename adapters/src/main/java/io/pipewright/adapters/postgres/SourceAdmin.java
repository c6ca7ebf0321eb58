package io.pipewright.adapters.postgres;

import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.kernel.policy.EndpointPolicy;
import io.pipewright.kernel.secret.SecretVault;
import io.pipewright.kernel.service.NodeRole;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * Opens admin connections to a source's nodes with the password from the vault: every one bounded as
 * {@code pipewright.external.*} says (connect, login, each answer, and the session's statement_timeout and
 * lock_timeout, so a DDL never queues behind the application's long transactions), and secured as the service's
 * {@code ssl_mode} says, verifying the server against its {@code ca_certificate} ({@link ServiceCaSocketFactory}).
 * Every connection of the control plane to a source is opened here: probe, provisioning steps, health checks, primary
 * watch, teardown and orphan sweep.
 */
@Component
public class SourceAdmin {

    /** SQLSTATE of a connection to a database that does not exist (nothing of a pipeline can be in it). */
    public static final String UNKNOWN_DATABASE = "3D000";
    /** SQLSTATE of a connection the endpoint policy refuses (sqlserver_rejected_establishment_of_sqlconnection). */
    public static final String REFUSED_BY_POLICY = "08004";

    /** A host name, an IPv4 address or a bracketed IPv6 one: nothing that could add to a JDBC URL's parameters. */
    private static final Pattern PLAIN_HOST = Pattern.compile("[A-Za-z0-9._-]+|\\[[0-9A-Fa-f:.]+]");
    /** The timeline from the current WAL file name; NULL on a standby, where there is no current WAL position. */
    private static final String TIMELINE_UNLESS_IN_RECOVERY = """
            SELECT CASE WHEN pg_is_in_recovery() THEN NULL
                   ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint END""";

    private final SecretVault vault;
    private final EndpointPolicy endpoints;
    private final ExternalCallLimits limits;

    public SourceAdmin(SecretVault vault, EndpointPolicy endpoints, ExternalCallLimits limits) {
        this.vault = vault;
        this.endpoints = endpoints;
        this.limits = limits;
    }

    /**
     * The node that is the primary now, which after a failover is not the one registered as primary: not in recovery
     * and on the highest timeline, since an old primary restarted after a failover is not in recovery either. A source
     * of one node is that node.
     */
    public PostgresNode primary(PostgresEndpoint endpoint) {
        if (endpoint.nodes().size() == 1) {
            return endpoint.nodes().get(0);
        }
        PostgresNode primary = null;
        long primaryTimeline = -1;
        List<String> seen = new ArrayList<>();
        boolean retryCannotHelp = true;
        for (PostgresNode node : endpoint.nodes()) {
            try (Connection connection = connect(endpoint, node, endpoint.adminDatabase());
                 Statement query = connection.createStatement();
                 ResultSet row = query.executeQuery(TIMELINE_UNLESS_IN_RECOVERY)) {
                row.next();
                retryCannotHelp = false;
                long timeline = row.getLong(1);
                seen.add(node.host() + ":" + node.port() + (row.wasNull() ? " in recovery" : " timeline " + timeline));
                boolean preferred = timeline > primaryTimeline
                        || timeline == primaryTimeline && node.role() == NodeRole.PRIMARY;
                if (!row.wasNull() && preferred) {
                    primary = node;
                    primaryTimeline = timeline;
                }
            } catch (SQLException e) {
                seen.add(PostgresFailures.describe(e, node.host(), node.port(), endpoint.adminUser(),
                        endpoint.adminDatabase(), limits));
                retryCannotHelp &= PostgresFailures.retryCannotHelp(e);
            }
        }
        if (primary == null) {
            throw new NoPrimaryNow("no node of the source is a primary now: " + String.join(", ", seen),
                    retryCannotHelp);
        }
        return primary;
    }

    /**
     * No node of a source is a primary now; {@code retryCannotHelp} when no node could be asked and each refused in a
     * way only the tenant can change (see {@link PostgresFailures#retryCannotHelp}).
     */
    public static final class NoPrimaryNow extends IllegalStateException {

        private final boolean retryCannotHelp;

        NoPrimaryNow(String message, boolean retryCannotHelp) {
            super(message);
            this.retryCannotHelp = retryCannotHelp;
        }

        public boolean retryCannotHelp() {
            return retryCannotHelp;
        }
    }

    /** What went wrong, in words a tenant can act on (see {@link PostgresFailures}). */
    public String describe(SQLException failure, PostgresEndpoint endpoint, PostgresNode node, String database) {
        return PostgresFailures.describe(failure, node.host(), node.port(), endpoint.adminUser(), database, limits);
    }

    /**
     * An admin session on {@code node}: TCP connect, login and each answer bounded (see
     * {@link AnswerBoundSocketFactory}), and the server's statement_timeout and lock_timeout set for the session.
     * A node the endpoint policy refuses is an SQLException, like any node that cannot be reached.
     */
    public Connection connect(PostgresEndpoint endpoint, PostgresNode node, String database) throws SQLException {
        return connect(endpoint, node, database, limits.postgresStatementTimeout());
    }

    /**
     * An admin session as {@link #connect(PostgresEndpoint, PostgresNode, String)} whose statements may run for
     * {@code statementTimeout} (a DAG task's own bound) instead of {@code pipewright.external.postgres-statement-timeout}:
     * the session's statement_timeout is that bound, and each answer may take that long plus the margin the limits keep
     * between the statement and read bounds, so the server cancels a slow statement before the connection is dropped.
     */
    public Connection connect(PostgresEndpoint endpoint, PostgresNode node, String database,
                              Duration statementTimeout) throws SQLException {
        Duration readBound = statementTimeout.plus(limits.postgresReadTimeout()
                .minus(limits.postgresStatementTimeout()));
        Optional<String> refusal = endpoints.refusal(node.host(), node.port());
        if (refusal.isPresent()) {
            throw new SQLException(node.host() + ":" + node.port() + " " + refusal.get(), REFUSED_BY_POLICY);
        }
        Properties properties = new Properties();
        properties.setProperty("user", endpoint.adminUser());
        properties.setProperty("password", vault.reveal(endpoint.adminPassword()).value());
        properties.setProperty("connectTimeout", wholeSeconds(limits.connectTimeout()));
        properties.setProperty("socketTimeout", wholeSeconds(readBound));
        properties.setProperty("tcpKeepAlive", String.valueOf(limits.tcpKeepAlive()));
        properties.setProperty("options", "-c statement_timeout=" + statementTimeout.toMillis()
                + " -c lock_timeout=" + limits.postgresLockTimeout().toMillis());
        properties.setProperty("socketFactory", AnswerBoundSocketFactory.class.getName());
        properties.setProperty(AnswerBoundSocketFactory.LOGIN_DUE_AT_NANOS,
                String.valueOf(System.nanoTime() + limits.postgresLoginTimeout().toNanos()));
        properties.setProperty(AnswerBoundSocketFactory.LOGIN_BOUND_MILLIS,
                String.valueOf(limits.postgresLoginTimeout().toMillis()));
        properties.setProperty(AnswerBoundSocketFactory.READ_BOUND_MILLIS, String.valueOf(readBound.toMillis()));
        tls(properties, endpoint);
        properties.setProperty("ApplicationName", "pipewright");
        // Logical replication needs PostgreSQL 10 or later: the session settings go in the startup message, not in
        // queries after the login.
        properties.setProperty("assumeMinServerVersion", "10");
        AnswerBoundSocketFactory.forgetOpened();
        try {
            Connection connection = DriverManager.getConnection(url(node, database), properties);
            AnswerBoundSocketFactory.AnswerBoundSocket socket = AnswerBoundSocketFactory.takeOpened();
            if (socket != null) {
                socket.loggedIn();
            }
            return connection;
        } finally {
            AnswerBoundSocketFactory.forgetOpened();
        }
    }

    /**
     * pgjdbc's {@code sslmode} means what the registration's does; the verifying modes trust the service's CA
     * certificate and nothing else (without {@code sslfactory}, pgjdbc would read {@code ~/.postgresql/root.crt}).
     */
    private static void tls(Properties properties, PostgresEndpoint endpoint) {
        properties.setProperty("sslmode", endpoint.sslMode().wireName());
        if (endpoint.sslMode().verifiesCertificate()) {
            properties.setProperty("sslfactory", ServiceCaSocketFactory.class.getName());
            properties.setProperty(ServiceCaSocketFactory.CA_CERTIFICATE, endpoint.caCertificate());
        }
    }

    /**
     * The database name is escaped (pgjdbc decodes it), as it may come from the source itself; a host that is not a
     * plain name or address is refused, so neither can add connection parameters.
     */
    static String url(PostgresNode node, String database) throws SQLException {
        if (!PLAIN_HOST.matcher(node.host()).matches()) {
            throw new SQLException("not a host name or address", "08001");
        }
        return "jdbc:postgresql://" + node.host() + ":" + node.port() + "/"
                + URLEncoder.encode(database, StandardCharsets.UTF_8);
    }

    /** pgjdbc takes whole seconds; a bound below one second is one second. */
    private static String wholeSeconds(Duration duration) {
        return String.valueOf(Math.max(1, (duration.toMillis() + 999) / 1000));
    }

    /** An identifier as PostgreSQL quotes it, so names from users reach SQL only this way. */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** {@code schema.table} with both parts quoted. */
    public static String quoteTable(String qualified) {
        int dot = qualified.indexOf('.');
        return quote(qualified.substring(0, dot)) + "." + quote(qualified.substring(dot + 1));
    }
}
