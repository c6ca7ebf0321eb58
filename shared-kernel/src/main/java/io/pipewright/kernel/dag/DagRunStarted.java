package io.pipewright.kernel.dag;

import java.time.Instant;
import java.util.UUID;

/** A run began; every task is pending until its dependencies succeeded. */
public record DagRunStarted(UUID runId, UUID pipelineId, UUID organizationId, int version, DagDefinition definition,
                            String executionDate, String trigger, Instant at) {
}
