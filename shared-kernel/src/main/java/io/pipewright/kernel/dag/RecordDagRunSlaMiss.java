package io.pipewright.kernel.dag;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The run is still active at its SLA; recorded once, and only for a run that has not ended. */
public record RecordDagRunSlaMiss(@TargetAggregateIdentifier UUID runId) {
}
