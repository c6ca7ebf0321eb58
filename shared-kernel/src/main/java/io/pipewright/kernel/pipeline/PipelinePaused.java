package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

public record PipelinePaused(UUID pipelineId, Instant at) {
}
