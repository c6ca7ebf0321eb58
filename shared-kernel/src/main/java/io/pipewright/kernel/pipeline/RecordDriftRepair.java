package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The reconciler converged the drifted resource back to its desired state; ignored when no drift of it is open. */
public record RecordDriftRepair(@TargetAggregateIdentifier UUID pipelineId, String resource, Instant repairedAt) {
}
