package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

public record PipelineRunning(UUID pipelineId, Instant at) {
}
