package io.pipewright.command.dag;

import java.util.Optional;
import java.util.UUID;

/**
 * The set-wide rules a single DagPipeline cannot check alone: names unique per organization, services that exist in
 * the organization and are of the right kind, and which organization a pipeline id belongs to (read by the
 * controller before it sends a command). Implementations write in the command's transaction, so a refused or failed
 * command leaves no claim behind.
 */
public interface DagPipelineRegistry {

    /**
     * Refuses with NOT_FOUND unless {@code postgresServiceId} is a PostgreSQL service and {@code kafkaServiceId}
     * (when not null) a Kafka service of the organization; else records them as the pipeline's (claimed already), so
     * that a service a DAG pipeline uses is not deregistered under it.
     */
    void useServices(UUID organizationId, UUID pipelineId, UUID postgresServiceId, UUID kafkaServiceId);

    /** Refuses with CONFLICT when a live DAG pipeline of the organization already has the name. */
    void claimName(UUID organizationId, String name, UUID pipelineId);

    /** A new version renamed the pipeline: refuses with CONFLICT when another live one has the new name. */
    void rename(UUID pipelineId, String newName);

    void release(UUID pipelineId);

    /** The organization of a live DAG pipeline, or empty when there is none with the id. */
    Optional<UUID> organizationOf(UUID pipelineId);
}
