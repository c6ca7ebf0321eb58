package io.pipewright.kernel.pipeline;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record MarkPipelineRunning(@TargetAggregateIdentifier UUID pipelineId) {
}
