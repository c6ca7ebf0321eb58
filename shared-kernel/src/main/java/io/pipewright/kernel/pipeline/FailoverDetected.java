package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

/** The source failed over: the connector still points at {@code from}, the primary is now {@code to}. */
public record FailoverDetected(UUID pipelineId, SourceNode from, SourceNode to, Instant at) {
}
