package io.pipewright.kernel.pipeline;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A user deletes the pipeline; accepted again while the teardown runs. */
public record DeletePipeline(@TargetAggregateIdentifier UUID pipelineId, UUID organizationId) {
}
