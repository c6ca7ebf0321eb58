package io.pipewright.kernel.pipeline;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The connector runs against {@code primary}, with refreshed credentials. */
public record CompleteRepointing(@TargetAggregateIdentifier UUID pipelineId, SourceNode primary) {
}
