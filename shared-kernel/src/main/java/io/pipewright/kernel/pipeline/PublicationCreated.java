package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

public record PublicationCreated(UUID pipelineId, String resource, Instant completedAt) {
}
