package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

/**
 * The connector of a pipeline just resumed through Pipewright is seen paused before it was seen running: the pause the
 * user asked for, observed late or not yet undone, or a pause on the worker in that moment. Either way the user's last
 * wish is to stream, so the pipeline stays Running and the reconciler resumes the connector again.
 */
public record ResumedConnectorFoundPaused(UUID pipelineId, Instant at) {
}
