package io.pipewright.kernel.pipeline;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The source's current primary is not {@code connectedTo}, where the connector points. */
public record DetectFailover(@TargetAggregateIdentifier UUID pipelineId, SourceNode connectedTo, SourceNode primary) {
}
