package io.pipewright.kernel.dag;

import java.time.Instant;
import java.util.UUID;

/** The task will not run in this run: {@code reason} names the failed (or cancelled) task upstream. */
public record DagTaskSkipped(UUID runId, UUID pipelineId, String taskId, String reason, Instant at) {
}
