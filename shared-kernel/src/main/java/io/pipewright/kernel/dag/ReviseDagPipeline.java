package io.pipewright.kernel.dag;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Asks for a new version of the pipeline; runs already started keep the version they pinned. */
public record ReviseDagPipeline(@TargetAggregateIdentifier UUID pipelineId, UUID organizationId,
                                DagDefinition definition, String author) {
}
