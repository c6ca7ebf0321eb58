package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

public record PluginInstalled(UUID pipelineId, String resource, Instant completedAt) {
}
