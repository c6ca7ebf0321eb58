package io.pipewright.kernel.dag;

import java.time.Instant;
import java.util.UUID;

public record DagTaskStarted(UUID runId, UUID pipelineId, String taskId, int attempt, Instant at) {
}
