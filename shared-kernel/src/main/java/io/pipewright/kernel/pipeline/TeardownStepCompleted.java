package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

public record TeardownStepCompleted(UUID pipelineId, ProvisionStep step, Instant at) {
}
