package io.pipewright.kernel.pipeline;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The reconciler restarted the failed connector or tasks ({@code attempt} of the retry budget). */
public record RestartConnector(@TargetAggregateIdentifier UUID pipelineId, int attempt) {
}
