package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

public record PipelineResumed(UUID pipelineId, PauseCause cause, Instant at) {
}
