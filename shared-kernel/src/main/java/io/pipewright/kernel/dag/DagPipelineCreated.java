package io.pipewright.kernel.dag;

import java.time.Instant;
import java.util.UUID;

/** A DAG pipeline exists, at {@code version} 1; its schedule, if the definition has one, is enabled (UTC). */
public record DagPipelineCreated(UUID pipelineId, UUID organizationId, int version, DagDefinition definition,
                                 String author, Instant at) {
}
