package io.pipewright.kernel.pipeline;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Everything the pipeline created is gone from the source and the sink. */
public record CompletePipelineDeletion(@TargetAggregateIdentifier UUID pipelineId) {
}
