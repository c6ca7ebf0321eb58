package io.pipewright.kernel.dag;

import java.time.Instant;
import java.util.UUID;

/** A run was admitted (within {@code max_active_runs}); it pins {@code version} and its definition. */
public record DagRunRequested(UUID pipelineId, UUID organizationId, UUID runId, int version, DagDefinition definition,
                              String executionDate, String trigger, Instant dueAt, Instant at) {
}
