package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

public record ConnectorRestarted(UUID pipelineId, int attempt, Instant at) {
}
