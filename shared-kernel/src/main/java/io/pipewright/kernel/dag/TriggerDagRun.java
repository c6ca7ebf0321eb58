package io.pipewright.kernel.dag;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Asks for a run of the pipeline's current version. {@code executionDate}: the ISO date the run is for;
 * {@code trigger}: {@code manual} or {@code schedule}; {@code dueAt}: the schedule's due time (null when manual). A
 * run id already requested changes nothing, so a due time fired twice gives one run.
 */
public record TriggerDagRun(@TargetAggregateIdentifier UUID pipelineId, UUID organizationId, UUID runId,
                            String executionDate, String trigger, Instant dueAt) {

    public static final String MANUAL = "manual";
    public static final String SCHEDULE = "schedule";
}
