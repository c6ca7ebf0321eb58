package io.pipewright.kernel.dag;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

public record DagTaskSucceeded(UUID runId, UUID pipelineId, String taskId, int attempt, Long rowsWritten,
                               List<CheckResult> checks, Instant at) {

    public DagTaskSucceeded {
        checks = checks == null ? List.of() : List.copyOf(checks);
    }
}
