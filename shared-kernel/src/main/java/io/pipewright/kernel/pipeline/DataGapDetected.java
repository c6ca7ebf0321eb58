package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;

/**
 * Changes committed on the source after {@code fromLsn} (null: unknown) may never reach Kafka: the slot was lost
 * ({@code reason} says how). Open until a restart with a re-snapshot is requested.
 */
public record DataGapDetected(UUID pipelineId, String fromLsn, String reason, Instant detectedAt) {
}
