package io.pipewright.kernel.dag;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Creates the run that {@link DagRunRequested} admitted, with the definition it pinned. */
public record StartDagRun(@TargetAggregateIdentifier UUID runId, UUID pipelineId, UUID organizationId, int version,
                          DagDefinition definition, String executionDate, String trigger) {
}
