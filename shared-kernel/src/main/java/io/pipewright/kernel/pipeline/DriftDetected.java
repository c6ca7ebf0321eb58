package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

/** One of the pipeline's resources differs from its desired state; open until repaired or cleared. */
public record DriftDetected(UUID pipelineId, String resource, String expected, String actual, Instant detectedAt) {
}
