package io.pipewright.command.service;

import io.pipewright.kernel.CommandRefused;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

@Component
class JdbcServiceRegistry implements ServiceRegistry {

    private final JdbcTemplate jdbc;

    JdbcServiceRegistry(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public void claimName(UUID organizationId, String name, UUID serviceId, String databaseType) {
        try {
            jdbc.update("""
                    INSERT INTO service_registry (service_id, organization_id, name, database_type)
                    VALUES (?, ?, ?, ?)""", serviceId, organizationId, name, databaseType);
        } catch (DuplicateKeyException e) {
            throw CommandRefused.conflict("a service named " + name + " already exists in this organization");
        }
    }

    @Override
    public void release(UUID serviceId) {
        // Locks the service's row first, so a concurrent pipeline create either sees it gone or is counted here.
        jdbc.queryForList("SELECT service_id FROM service_registry WHERE service_id = ? FOR UPDATE", serviceId);
        Integer users = jdbc.queryForObject("""
                SELECT (SELECT count(*) FROM pipeline_registry WHERE source_service_id = ? OR sink_service_id = ?)
                     + (SELECT count(*) FROM dag_pipeline_registry
                        WHERE postgres_service_id = ? OR kafka_service_id = ?)""",
                Integer.class, serviceId, serviceId, serviceId, serviceId);
        if (users != null && users > 0) {
            throw CommandRefused.conflict("service " + serviceId + " is used by " + users
                    + " pipeline(s); delete them first");
        }
        jdbc.update("DELETE FROM service_registry WHERE service_id = ?", serviceId);
    }
}
