package io.pipewright.command.dag;

import io.pipewright.kernel.CommandRefused;
import io.pipewright.kernel.service.ServiceType;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** {@link DagPipelineRegistry} on the {@code dag_pipeline_registry} and {@code service_registry} tables. */
@Component
class JdbcDagPipelineRegistry implements DagPipelineRegistry {

    private final JdbcTemplate jdbc;

    JdbcDagPipelineRegistry(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** FOR SHARE: a concurrent deregistration of the service waits for this command's transaction. */
    @Override
    public void useServices(UUID organizationId, UUID pipelineId, UUID postgresServiceId, UUID kafkaServiceId) {
        requireService(organizationId, postgresServiceId, ServiceType.POSTGRESQL, "postgres_service_id");
        if (kafkaServiceId != null) {
            requireService(organizationId, kafkaServiceId, ServiceType.KAFKA, "kafka_service_id");
        }
        jdbc.update("UPDATE dag_pipeline_registry SET postgres_service_id = ?, kafka_service_id = ?"
                + " WHERE pipeline_id = ?",
                postgresServiceId, kafkaServiceId, pipelineId);
    }

    private void requireService(UUID organizationId, UUID serviceId, ServiceType type, String field) {
        boolean found = !jdbc.queryForList("""
                        SELECT service_id FROM service_registry
                        WHERE service_id = ? AND organization_id = ? AND database_type = ? FOR SHARE""",
                UUID.class, serviceId, organizationId, type.wireName()).isEmpty();
        if (!found) {
            throw CommandRefused.notFound(field + ": " + type.wireName() + " service " + serviceId
                    + " not found in this organization");
        }
    }

    @Override
    public void claimName(UUID organizationId, String name, UUID pipelineId) {
        try {
            jdbc.update("INSERT INTO dag_pipeline_registry (pipeline_id, organization_id, name) VALUES (?, ?, ?)",
                    pipelineId, organizationId, name);
        } catch (DuplicateKeyException e) {
            throw CommandRefused.conflict("a pipeline named " + name + " already exists in this organization");
        }
    }

    @Override
    public void rename(UUID pipelineId, String newName) {
        try {
            jdbc.update("UPDATE dag_pipeline_registry SET name = ? WHERE pipeline_id = ?", newName, pipelineId);
        } catch (DuplicateKeyException e) {
            throw CommandRefused.conflict("a pipeline named " + newName + " already exists in this organization");
        }
    }

    @Override
    public void release(UUID pipelineId) {
        jdbc.update("DELETE FROM dag_pipeline_registry WHERE pipeline_id = ?", pipelineId);
    }

    @Override
    public Optional<UUID> organizationOf(UUID pipelineId) {
        return jdbc.queryForList("SELECT organization_id FROM dag_pipeline_registry WHERE pipeline_id = ?",
                UUID.class, pipelineId).stream().findFirst();
    }
}
