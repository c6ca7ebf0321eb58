package io.pipewright.kernel.dag;

import java.time.Instant;
import java.util.UUID;

/** A new version of the pipeline; runs requested from now on pin it. */
public record DagPipelineRevised(UUID pipelineId, UUID organizationId, int version, DagDefinition definition,
                                 String author, Instant at) {
}
