package io.pipewright.kernel.pipeline;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The reconciler begins (or begins again) a step. */
public record StartProvisionStep(@TargetAggregateIdentifier UUID pipelineId, ProvisionStep step) {
}
