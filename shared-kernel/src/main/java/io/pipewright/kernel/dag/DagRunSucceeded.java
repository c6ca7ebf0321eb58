package io.pipewright.kernel.dag;

import java.time.Instant;
import java.util.UUID;

public record DagRunSucceeded(UUID runId, UUID pipelineId, UUID organizationId, Instant at) {
}
