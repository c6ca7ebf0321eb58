package io.pipewright.command.pipeline;

import io.pipewright.kernel.CommandRefused;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

@Component
class JdbcPipelineRegistry implements PipelineRegistry {

    private final JdbcTemplate jdbc;

    JdbcPipelineRegistry(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * One query for both services. FOR SHARE: a concurrent deregistration waits for this pipeline's claim, then counts
     * it; only this organization's rows are locked.
     */
    @Override
    public void requireServices(UUID organizationId, UUID sourceServiceId, UUID sinkServiceId) {
        Set<UUID> registered = new HashSet<>(jdbc.queryForList("""
                        SELECT service_id FROM service_registry
                        WHERE service_id IN (?, ?) AND organization_id = ? FOR SHARE""",
                UUID.class, sourceServiceId, sinkServiceId, organizationId));
        requireService(registered, sourceServiceId, "source");
        requireService(registered, sinkServiceId, "sink");
    }

    @Override
    public void claimName(UUID organizationId, String name, UUID pipelineId, UUID sourceServiceId,
                          UUID sinkServiceId) {
        try {
            jdbc.update("""
                    INSERT INTO pipeline_registry (pipeline_id, organization_id, name, source_service_id, sink_service_id)
                    VALUES (?, ?, ?, ?, ?)""", pipelineId, organizationId, name, sourceServiceId, sinkServiceId);
        } catch (DuplicateKeyException e) {
            throw CommandRefused.conflict("a pipeline named " + name + " already exists in this organization");
        }
    }

    @Override
    public void releaseName(UUID organizationId, String name) {
        jdbc.update("DELETE FROM pipeline_registry WHERE organization_id = ? AND name = ?", organizationId, name);
    }

    @Override
    public void markDeletionRequested(UUID pipelineId) {
        jdbc.update("UPDATE pipeline_registry SET deletion_requested = true WHERE pipeline_id = ?", pipelineId);
    }

    private static void requireService(Set<UUID> registered, UUID serviceId, String role) {
        if (!registered.contains(serviceId)) {
            throw CommandRefused.notFound(role + " service " + serviceId + " not found in this organization");
        }
    }
}
