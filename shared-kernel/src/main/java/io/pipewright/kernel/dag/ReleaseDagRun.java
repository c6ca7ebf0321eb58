package io.pipewright.kernel.dag;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** A run of the pipeline ended: it no longer counts against {@code max_active_runs}. */
public record ReleaseDagRun(@TargetAggregateIdentifier UUID pipelineId, UUID runId) {
}
