package io.pipewright.kernel.pipeline;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A step or the connector failed for good; the message must let a user act and hold no secret. */
public record FailPipeline(@TargetAggregateIdentifier UUID pipelineId, String errorMessage) {
}
