package io.pipewright.kernel.dag;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Asks for a new DAG pipeline, version 1 of {@code definition} (validated); {@code author}: who asks. */
public record CreateDagPipeline(@TargetAggregateIdentifier UUID pipelineId, UUID organizationId,
                                DagDefinition definition, String author) {
}
