package io.pipewright.adapters.probe;

import io.pipewright.kernel.secret.SecretVault;
import io.pipewright.kernel.service.NodeRole;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.sagas.service.ProbeResult;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import org.springframework.stereotype.Component;

/** A PostgreSQL service is Running when its primary accepts the admin and has {@code wal_level=logical}. */
@Component
class PostgresProbe {

    private static final String INVALID_PASSWORD = "28P01";
    private static final String INVALID_AUTHORIZATION = "28000";

    private final SecretVault vault;

    PostgresProbe(SecretVault vault) {
        this.vault = vault;
    }

    ProbeResult probe(PostgresEndpoint endpoint) {
        PostgresNode primary = endpoint.nodes().stream().filter(node -> node.role() == NodeRole.PRIMARY)
                .findFirst().orElseThrow();
        String where = primary.host() + ":" + primary.port();
        try (Connection connection = connect(endpoint, primary);
             Statement statement = connection.createStatement();
             ResultSet walLevel = statement.executeQuery("SHOW wal_level")) {
            walLevel.next();
            String level = walLevel.getString(1);
            if (!"logical".equals(level)) {
                return new ProbeResult(ServiceStatus.FAILED, "wal_level is " + level + " on " + where
                        + "; logical replication needs wal_level=logical (set it and restart PostgreSQL)", Map.of());
            }
            return new ProbeResult(ServiceStatus.RUNNING, null, Map.of());
        } catch (SQLException e) {
            if (INVALID_PASSWORD.equals(e.getSQLState()) || INVALID_AUTHORIZATION.equals(e.getSQLState())) {
                return new ProbeResult(ServiceStatus.FAILED, "PostgreSQL at " + where + " refused the admin user "
                        + endpoint.adminUser() + ": " + e.getMessage(), Map.of());
            }
            return new ProbeResult(ServiceStatus.PENDING, "PostgreSQL at " + where + " does not answer yet: "
                    + e.getMessage(), Map.of());
        }
    }

    private Connection connect(PostgresEndpoint endpoint, PostgresNode node) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", endpoint.adminUser());
        properties.setProperty("password", vault.reveal(endpoint.adminPassword()).value());
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("socketTimeout", "10");
        properties.setProperty("ApplicationName", "pipewright-probe");
        return DriverManager.getConnection("jdbc:postgresql://" + node.host() + ":" + node.port() + "/"
                + endpoint.adminDatabase(), properties);
    }
}
