package io.pipewright.command.pipeline;

import io.pipewright.kernel.CommandRefused;
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

    @Override
    public void requireServices(UUID organizationId, UUID sourceServiceId, UUID sinkServiceId) {
        requireService(organizationId, sourceServiceId, "source");
        requireService(organizationId, sinkServiceId, "sink");
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

    private void requireService(UUID organizationId, UUID serviceId, String role) {
        // FOR SHARE: a concurrent deregistration waits for this pipeline's claim, then counts it.
        boolean registered = !jdbc.queryForList(
                "SELECT 1 FROM service_registry WHERE service_id = ? AND organization_id = ? FOR SHARE",
                serviceId, organizationId).isEmpty();
        if (!registered) {
            throw CommandRefused.notFound(role + " service " + serviceId + " not found in this organization");
        }
    }
}
