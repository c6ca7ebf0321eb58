package io.pipewright.kernel.query;

import io.pipewright.kernel.dag.CheckResult;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A run and every task of it. Run {@code status}: {@code running}, {@code succeeded}, {@code failed},
 * {@code cancelled}; task {@code status}: {@code pending}, {@code running}, {@code retrying} (waiting for
 * {@code next_attempt_at}), {@code succeeded}, {@code failed}, {@code skipped}, {@code cancelled}.
 */
public record DagRunView(UUID runId, UUID pipelineId, UUID organizationId, int version, String status,
                         String executionDate, String trigger, boolean slaMissed, Instant startedAt, Instant endedAt,
                         String error, List<Task> tasks) {

    public static final String RUNNING = "running";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";
    public static final String CANCELLED = "cancelled";

    public record Task(String id, String type, List<String> dependsOn, String status, int attempts,
                       Instant startedAt, Instant endedAt, Instant nextAttemptAt, Long rowsWritten,
                       List<CheckResult> checks, String error) {

        public static final String PENDING = "pending";
        public static final String RETRYING = "retrying";
        public static final String SKIPPED = "skipped";

        public Task {
            dependsOn = List.copyOf(dependsOn);
            checks = checks == null ? List.of() : List.copyOf(checks);
        }
    }

    public DagRunView {
        tasks = List.copyOf(tasks);
    }
}
