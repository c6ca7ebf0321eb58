package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

public record ConnectorRepointed(UUID pipelineId, SourceNode primary, Instant at) {
}
