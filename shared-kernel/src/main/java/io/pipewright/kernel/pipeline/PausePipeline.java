package io.pipewright.kernel.pipeline;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

public record PausePipeline(@TargetAggregateIdentifier UUID pipelineId, UUID organizationId) {
}
