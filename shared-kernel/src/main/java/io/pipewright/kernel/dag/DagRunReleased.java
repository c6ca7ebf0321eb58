package io.pipewright.kernel.dag;

import java.time.Instant;
import java.util.UUID;

/** The run ended and no longer counts against the pipeline's {@code max_active_runs}. */
public record DagRunReleased(UUID pipelineId, UUID runId, Instant at) {
}
