package io.pipewright.kernel.dag;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Every task ended and {@code failedTasks} failed for good. */
public record DagRunFailed(UUID runId, UUID pipelineId, UUID organizationId, List<String> failedTasks, Instant at) {

    public DagRunFailed {
        failedTasks = List.copyOf(failedTasks);
    }
}
