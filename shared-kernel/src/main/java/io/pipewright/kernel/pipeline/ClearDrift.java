package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * A health round found a resource whose drift was open as desired again, without Pipewright repairing it (put back
 * by hand, under the {@code report} policy); ignored when no drift of it is open.
 */
public record ClearDrift(@TargetAggregateIdentifier UUID pipelineId, String resource, Instant clearedAt) {
}
