package io.pipewright.kernel.dag;

import java.time.Instant;
import java.util.UUID;

public record DagRunSlaMissed(UUID runId, UUID pipelineId, UUID organizationId, int slaMinutes, Instant at) {
}
