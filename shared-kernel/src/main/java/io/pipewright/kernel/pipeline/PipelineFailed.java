package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

/** {@code step} is the provisioning step that failed, null when the pipeline had finished provisioning. */
public record PipelineFailed(UUID pipelineId, ProvisionStep step, String errorMessage, Instant at) {
}
