package io.pipewright.kernel.dag;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Deletes the pipeline; its active runs are cancelled when {@code cancelActiveRuns}, else they finish. */
public record DeleteDagPipeline(@TargetAggregateIdentifier UUID pipelineId, UUID organizationId,
                                boolean cancelActiveRuns) {
}
