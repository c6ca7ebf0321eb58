package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

public record ProvisionStepStarted(UUID pipelineId, ProvisionStep step, Instant startedAt) {
}
