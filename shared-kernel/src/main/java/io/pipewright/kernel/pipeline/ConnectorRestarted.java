package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

/**
 * {@code attempt}: the restart's number in the current outage; {@code nextAttemptAt}: when the reconciler looks again
 * (null in events recorded before it was).
 */
public record ConnectorRestarted(UUID pipelineId, int attempt, Instant at, Instant nextAttemptAt) {

    /** A restart recorded without the time of the next attempt. */
    public ConnectorRestarted(UUID pipelineId, int attempt, Instant at) {
        this(pipelineId, attempt, at, null);
    }
}
