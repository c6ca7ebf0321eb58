package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

/**
 * The connector of a pipeline paused through Pipewright runs on the worker although its last recorded state did not
 * change: it was resumed there and the pause in between went unseen. The reconciler pauses it again.
 */
public record PausedConnectorFoundRunning(UUID pipelineId, Instant at) {
}
