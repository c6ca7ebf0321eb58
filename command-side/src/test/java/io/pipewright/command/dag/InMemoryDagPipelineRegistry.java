package io.pipewright.command.dag;

import io.pipewright.kernel.CommandRefused;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** The registry's rules without a database, for aggregate fixtures. */
class InMemoryDagPipelineRegistry implements DagPipelineRegistry {

    final Set<UUID> postgresServices = new HashSet<>();
    final Set<UUID> kafkaServices = new HashSet<>();
    /** organization/name to pipeline id. */
    final Map<String, UUID> names = new HashMap<>();
    final Map<UUID, UUID> organizations = new HashMap<>();

    @Override
    public void requireServices(UUID organizationId, UUID postgresServiceId, UUID kafkaServiceId) {
        if (!postgresServices.contains(postgresServiceId)) {
            throw CommandRefused.notFound("postgres_service_id: postgresql service " + postgresServiceId
                    + " not found in this organization");
        }
        if (kafkaServiceId != null && !kafkaServices.contains(kafkaServiceId)) {
            throw CommandRefused.notFound("kafka_service_id: kafka service " + kafkaServiceId
                    + " not found in this organization");
        }
    }

    @Override
    public void claimName(UUID organizationId, String name, UUID pipelineId) {
        if (names.putIfAbsent(organizationId + "/" + name, pipelineId) != null) {
            throw CommandRefused.conflict("a pipeline named " + name + " already exists in this organization");
        }
        organizations.put(pipelineId, organizationId);
    }

    @Override
    public void rename(UUID pipelineId, String newName) {
        UUID organizationId = organizations.get(pipelineId);
        if (names.putIfAbsent(organizationId + "/" + newName, pipelineId) != null) {
            throw CommandRefused.conflict("a pipeline named " + newName + " already exists in this organization");
        }
        names.entrySet().removeIf(entry -> entry.getValue().equals(pipelineId)
                && !entry.getKey().equals(organizationId + "/" + newName));
    }

    @Override
    public void release(UUID pipelineId) {
        names.values().removeIf(pipelineId::equals);
        organizations.remove(pipelineId);
    }

    @Override
    public Optional<UUID> organizationOf(UUID pipelineId) {
        return Optional.ofNullable(organizations.get(pipelineId));
    }
}
