package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

/**
 * A restart was asked for and accepted: the reconciler takes the pipeline up again from {@code previousStatus} (and,
 * when {@code resnapshot}, re-snapshots its tables, which closes any data gap).
 */
public record PipelineRestartRequested(UUID pipelineId, boolean resnapshot, PipelineStatus previousStatus,
                                       Instant at) {
}
