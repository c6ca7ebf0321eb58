package io.pipewright.kernel.dag;

import java.util.List;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The attempt succeeded: {@code rowsWritten} by a SQL task, {@code checks} of a quality task (else empty). */
public record CompleteDagTask(@TargetAggregateIdentifier UUID runId, String taskId, int attempt, Long rowsWritten,
                              List<CheckResult> checks) {

    public CompleteDagTask {
        checks = checks == null ? List.of() : List.copyOf(checks);
    }
}
