package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

/** Records where the pipeline stood, so the teardown knows what may exist. */
public record PipelineDeletionRequested(UUID pipelineId, PipelineStatus previousStatus, ProvisionStep provisionStep, Instant at) {
}
