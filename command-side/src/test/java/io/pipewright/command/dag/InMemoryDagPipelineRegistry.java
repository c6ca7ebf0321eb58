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
    /** Pipelines whose creation committed: a later refusal leaves their name claimed. */
    private final Set<UUID> claimedBefore = new HashSet<>();

    /** A refusal rolls the command's transaction back, the name claimed just before with it. */
    @Override
    public void useServices(UUID organizationId, UUID pipelineId, UUID postgresServiceId, UUID kafkaServiceId) {
        String refused = !postgresServices.contains(postgresServiceId) ? "postgres_service_id: postgresql service "
                + postgresServiceId : kafkaServiceId != null && !kafkaServices.contains(kafkaServiceId)
                ? "kafka_service_id: kafka service " + kafkaServiceId : null;
        if (refused != null) {
            if (!claimedBefore.contains(pipelineId)) {
                release(pipelineId);
            }
            throw CommandRefused.notFound(refused + " not found in this organization");
        }
        claimedBefore.add(pipelineId);
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
