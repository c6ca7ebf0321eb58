package io.pipewright.kernel.query;

import java.util.UUID;

/** Answered with a {@link PipelineView}, or nothing when no live pipeline of that organization has the id. */
public record FindPipeline(UUID organizationId, UUID pipelineId) {
}
