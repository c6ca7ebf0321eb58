package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

public record PipelineCreated(UUID pipelineId, UUID organizationId, String name, String pipelineType, UUID sourceServiceId,
                              UUID sinkServiceId, PipelineConfig config, boolean paused, Instant createdAt) {
}
