package io.pipewright.kernel.dag;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Sets when the pipeline runs by itself. */
public record ConfigureDagSchedule(@TargetAggregateIdentifier UUID pipelineId, UUID organizationId,
                                   DagSchedule schedule) {
}
