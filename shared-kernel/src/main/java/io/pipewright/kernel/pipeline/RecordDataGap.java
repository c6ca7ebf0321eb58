package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * A health round found that the pipeline's replication slot can no longer deliver every change: invalidated by the
 * source ({@code max_slot_wal_keep_size}), dropped behind the pipeline's back, or created anew on a primary that took
 * over without a synced slot. {@code fromLsn}: the last position the slot was known to have confirmed (null when none
 * was ever seen), the changes after which may be missing; {@code reason}: what was found, in words, without secrets.
 * Ignored while a gap is open, and when observed before the last re-snapshot was asked for.
 */
public record RecordDataGap(@TargetAggregateIdentifier UUID pipelineId, String fromLsn, String reason,
                            Instant observedAt) {
}
