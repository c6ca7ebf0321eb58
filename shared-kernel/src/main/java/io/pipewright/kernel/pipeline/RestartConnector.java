package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * The reconciler restarted the failed connector or tasks: {@code attempt} of the current outage, and when it looks
 * again ({@code nextAttemptAt}, within the pipeline's retry window).
 */
public record RestartConnector(@TargetAggregateIdentifier UUID pipelineId, int attempt, Instant nextAttemptAt) {
}
