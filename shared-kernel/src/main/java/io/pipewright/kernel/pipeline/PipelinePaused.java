package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

/** The pipeline is Paused; its connector keeps the replication slot, so the source retains WAL meanwhile. */
public record PipelinePaused(UUID pipelineId, PauseCause cause, Instant at) {
}
