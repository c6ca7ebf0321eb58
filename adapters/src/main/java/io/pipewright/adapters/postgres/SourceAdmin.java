package io.pipewright.adapters.postgres;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.springframework.stereotype.Component;

/** Opens admin connections to a source's nodes with the password from the vault. */
@Component
public class SourceAdmin {

    /** SQLSTATE of a connection to a database that does not exist (nothing of a pipeline can be in it). */
    public static final String UNKNOWN_DATABASE = "3D000";
    /** SQLSTATE of a connection the endpoint policy refuses (sqlserver_rejected_establishment_of_sqlconnection). */
    public static final String REFUSED_BY_POLICY = "08004";

    private static final Duration CONNECT_WITHIN = Duration.ofSeconds(10);
    private static final Duration NODE_ANSWERS_WITHIN = Duration.ofSeconds(3);
    /** The timeline from the current WAL file name; NULL on a standby, where there is no current WAL position. */
    private static final String TIMELINE_UNLESS_IN_RECOVERY = """
            SELECT CASE WHEN pg_is_in_recovery() THEN NULL
                   ELSE ('x' || substr(pg_walfile_name(pg_current_wal_lsn()), 1, 8))::bit(32)::bigint END""";

    private final SecretVault vault;
    private final EndpointPolicy endpoints;

    public SourceAdmin(SecretVault vault, EndpointPolicy endpoints) {
        this.vault = vault;
        this.endpoints = endpoints;
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
        for (PostgresNode node : endpoint.nodes()) {
            try (Connection connection = connect(endpoint, node, endpoint.adminDatabase(), NODE_ANSWERS_WITHIN);
                 Statement query = connection.createStatement();
                 ResultSet row = query.executeQuery(TIMELINE_UNLESS_IN_RECOVERY)) {
                row.next();
                long timeline = row.getLong(1);
                seen.add(node.host() + ":" + node.port() + (row.wasNull() ? " in recovery" : " timeline " + timeline));
                boolean preferred = timeline > primaryTimeline
                        || timeline == primaryTimeline && node.role() == NodeRole.PRIMARY;
                if (!row.wasNull() && preferred) {
                    primary = node;
                    primaryTimeline = timeline;
                }
            } catch (SQLException e) {
                seen.add(node.host() + ":" + node.port() + " unreachable (" + e.getSQLState() + ")");
            }
        }
        if (primary == null) {
            throw new IllegalStateException("no node of the source is a primary now: " + String.join(", ", seen));
        }
        return primary;
    }

    public Connection connect(PostgresEndpoint endpoint, PostgresNode node, String database) throws SQLException {
        return connect(endpoint, node, database, CONNECT_WITHIN);
    }

    private Connection connect(PostgresEndpoint endpoint, PostgresNode node, String database, Duration within)
            throws SQLException {
        // A refusal is a connection the policy rejects: callers handle it like any node that cannot be reached.
        Optional<String> refusal = endpoints.refusal(node.host(), node.port());
        if (refusal.isPresent()) {
            throw new SQLException(node.host() + ":" + node.port() + " " + refusal.get(), REFUSED_BY_POLICY);
        }
        Properties properties = new Properties();
        properties.setProperty("user", endpoint.adminUser());
        properties.setProperty("password", vault.reveal(endpoint.adminPassword()).value());
        properties.setProperty("connectTimeout", String.valueOf(within.toSeconds()));
        properties.setProperty("socketTimeout", "60");
        properties.setProperty("ApplicationName", "pipewright");
        return DriverManager.getConnection("jdbc:postgresql://" + node.host() + ":" + node.port() + "/" + database,
                properties);
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
