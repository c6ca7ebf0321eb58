package io.pipewright.kernel.dag;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * An attempt failed. {@code retryAt}: when the next attempt starts (the task's backoff, doubled per attempt), or
 * null when the task failed for good (no retry left, or not retryable); then its dependants are skipped.
 */
public record DagTaskFailed(UUID runId, UUID pipelineId, String taskId, int attempt, String error,
                            List<CheckResult> checks, Instant retryAt, Instant at) {

    public DagTaskFailed {
        checks = checks == null ? List.of() : List.copyOf(checks);
    }
}
