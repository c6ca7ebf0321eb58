package io.pipewright.kernel.dag;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The pipeline is gone: no new run, no schedule. {@code activeRuns}: the runs active then, which were cancelled when
 * {@code activeRunsCancelled}, else left to finish.
 */
public record DagPipelineDeleted(UUID pipelineId, UUID organizationId, List<UUID> activeRuns,
                                 boolean activeRunsCancelled, Instant at) {
}
