package io.pipewright.command.pipeline;

import io.pipewright.kernel.CommandRefused;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/** The registry's rules without a database, for aggregate fixtures; the JDBC one is tested on PostgreSQL. */
class InMemoryPipelineRegistry implements PipelineRegistry {

    final Set<UUID> services = new HashSet<>();
    final Map<String, UUID> names = new HashMap<>();
    final Set<UUID> deletionRequested = new HashSet<>();

    @Override
    public void requireServices(UUID organizationId, UUID sourceServiceId, UUID sinkServiceId) {
        if (!services.contains(sourceServiceId)) {
            throw CommandRefused.notFound("source service " + sourceServiceId + " not found in this organization");
        }
        if (!services.contains(sinkServiceId)) {
            throw CommandRefused.notFound("sink service " + sinkServiceId + " not found in this organization");
        }
    }

    @Override
    public void claimName(UUID organizationId, String name, UUID pipelineId, UUID sourceServiceId,
                          UUID sinkServiceId) {
        if (names.putIfAbsent(organizationId + "/" + name, pipelineId) != null) {
            throw CommandRefused.conflict("a pipeline named " + name + " already exists in this organization");
        }
    }

    @Override
    public void releaseName(UUID organizationId, String name) {
        names.remove(organizationId + "/" + name);
    }

    @Override
    public void markDeletionRequested(UUID pipelineId) {
        deletionRequested.add(pipelineId);
    }
}
