package io.pipewright.kernel.dag;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Cancels a run that has not ended: no task starts any more, a running attempt's result is ignored. */
public record CancelDagRun(@TargetAggregateIdentifier UUID runId, String reason) {
}
