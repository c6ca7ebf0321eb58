package io.pipewright.kernel.pipeline;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * A user asks to restart a Failed or degraded pipeline from where it stopped ({@code POST .../restart}): a provisioning
 * failure re-enters its step, a connector failure resumes the connector from its committed offset on the same slot.
 * {@code organizationId}: the caller's, as for a pause; another organization's pipeline is not found.
 * {@code resnapshot}: start the capture over with a new snapshot, the way out of a data gap.
 */
public record RestartPipeline(@TargetAggregateIdentifier UUID pipelineId, UUID organizationId, boolean resnapshot) {
}
