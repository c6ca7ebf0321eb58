package io.pipewright.adapters.probe;

import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.sagas.service.ProbeResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.springframework.stereotype.Component;

/** A PostgreSQL service is Running when its primary accepts the admin and has {@code wal_level=logical}. */
@Component
class PostgresProbe {

    private static final String INVALID_PASSWORD = "28P01";
    private static final String INVALID_AUTHORIZATION = "28000";

    private final SourceAdmin admin;

    PostgresProbe(SourceAdmin admin) {
        this.admin = admin;
    }

    ProbeResult probe(PostgresEndpoint endpoint) {
        PostgresNode primary;
        try {
            primary = admin.primary(endpoint);
        } catch (IllegalStateException noPrimary) {
            return new ProbeResult(ServiceStatus.PENDING, "PostgreSQL: " + noPrimary.getMessage(), Map.of());
        }
        String where = primary.host() + ":" + primary.port();
        try (Connection connection = admin.connect(endpoint, primary, endpoint.adminDatabase());
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
}
