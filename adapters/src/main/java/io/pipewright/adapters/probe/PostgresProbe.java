package io.pipewright.adapters.probe;

import io.pipewright.adapters.postgres.PostgresFailures;
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

/**
 * A PostgreSQL service is Running when its primary accepts the admin, over TLS as its {@code ssl_mode} says, and has
 * {@code wal_level=logical}. What failed is said in words (see {@link PostgresFailures}): the reason is shown to the
 * tenant. Failed when only the tenant can change the outcome (a refused login or certificate, no such database),
 * else Pending.
 */
@Component
class PostgresProbe {

    private final SourceAdmin admin;

    PostgresProbe(SourceAdmin admin) {
        this.admin = admin;
    }

    ProbeResult probe(PostgresEndpoint endpoint) {
        PostgresNode primary;
        try {
            primary = admin.primary(endpoint);
        } catch (SourceAdmin.NoPrimaryNow noPrimary) {
            return new ProbeResult(noPrimary.retryCannotHelp() ? ServiceStatus.FAILED : ServiceStatus.PENDING,
                    "PostgreSQL: " + noPrimary.getMessage(), Map.of());
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
            String reason = admin.describe(e, endpoint, primary, endpoint.adminDatabase());
            return new ProbeResult(PostgresFailures.retryCannotHelp(e) ? ServiceStatus.FAILED : ServiceStatus.PENDING,
                    reason, Map.of());
        }
    }
}
