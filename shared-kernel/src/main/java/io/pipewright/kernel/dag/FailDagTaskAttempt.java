package io.pipewright.kernel.dag;

import java.util.List;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The attempt failed with {@code error} (no secret in it). {@code retryable}: false for a failure another attempt
 * cannot change (a quality check that does not hold), which fails the task at once.
 */
public record FailDagTaskAttempt(@TargetAggregateIdentifier UUID runId, String taskId, int attempt, String error,
                                 boolean retryable, List<CheckResult> checks) {

    public FailDagTaskAttempt {
        checks = checks == null ? List.of() : List.copyOf(checks);
    }
}
