package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

/** A drifted resource is as desired again, put back by someone other than Pipewright. */
public record DriftCleared(UUID pipelineId, String resource, Instant clearedAt) {
}
