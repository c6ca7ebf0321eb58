package io.pipewright.kernel.pipeline;

import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Asks for a new pipeline; name, services and config are already validated and normalized. {@code paused}: provision
 * fully, but create the connector paused.
 */
public record CreatePipeline(@TargetAggregateIdentifier UUID pipelineId, UUID organizationId, String name, String pipelineType, UUID sourceServiceId,
                             UUID sinkServiceId, PipelineConfig config, boolean paused) {
}
