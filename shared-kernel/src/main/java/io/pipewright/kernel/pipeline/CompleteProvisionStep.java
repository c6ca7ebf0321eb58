package io.pipewright.kernel.pipeline;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The step in progress converged; {@code resource} names what it created or found (slot, role, connector...). */
public record CompleteProvisionStep(@TargetAggregateIdentifier UUID pipelineId, ProvisionStep step, String resource) {
}
