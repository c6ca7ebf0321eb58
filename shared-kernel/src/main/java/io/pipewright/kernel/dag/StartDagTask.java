package io.pipewright.kernel.dag;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * An attempt of a task begins: true when it may run. False for a task that succeeded, failed for good or was skipped,
 * or a run that ended. The attempt already running asked again (its worker died and another revived it) may run
 * again: true, and nothing new is recorded.
 */
public record StartDagTask(@TargetAggregateIdentifier UUID runId, String taskId, int attempt) {
}
