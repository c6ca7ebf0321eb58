package io.pipewright.kernel.dag;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** An attempt of a task begins; refused (false) for a task that succeeded, was skipped, or a run that ended. */
public record StartDagTask(@TargetAggregateIdentifier UUID runId, String taskId, int attempt) {
}
