package io.pipewright.kernel.dag;

import java.time.Instant;
import java.util.UUID;

public record DagRunCancelled(UUID runId, UUID pipelineId, UUID organizationId, String reason, Instant at) {
}
