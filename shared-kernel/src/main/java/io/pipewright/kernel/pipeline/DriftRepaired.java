package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

/** Pipewright converged a drifted resource back to its desired state. */
public record DriftRepaired(UUID pipelineId, String resource, Instant repairedAt) {
}
