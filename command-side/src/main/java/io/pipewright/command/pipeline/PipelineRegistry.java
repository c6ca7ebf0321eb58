package io.pipewright.command.pipeline;

import java.util.UUID;

/**
 * The set-wide rules a single Pipeline cannot check alone: names unique per organization, services that exist.
 * Implementations write in the command's transaction, so a refused or failed command leaves no claim behind.
 */
public interface PipelineRegistry {

    /** Refuses with NOT_FOUND unless both services are registered in the organization. */
    void requireServices(UUID organizationId, UUID sourceServiceId, UUID sinkServiceId);

    /** Refuses with CONFLICT when a live pipeline of the organization already has the name. */
    void claimName(UUID organizationId, String name, UUID pipelineId, UUID sourceServiceId, UUID sinkServiceId);

    void releaseName(UUID organizationId, String name);

    /** From now on only the teardown may call the pipeline's services (the external work gate reads it). */
    void markDeletionRequested(UUID pipelineId);
}
