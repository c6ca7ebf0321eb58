package io.pipewright.sagas.health;

import io.pipewright.kernel.pipeline.RecordDataGap;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides, from one round's slot query, whether a pipeline's slot was lost so that changes may never reach Kafka (a
 * data gap): invalidated by the source ({@code wal_status} lost, PostgreSQL 17's {@code invalidation_reason}), missing
 * on the primary although the pipeline had one (dropped behind its back, or a failover to a primary without it), or
 * found on another primary than before without having been synced there (created anew after a failover, from the
 * connector's Kafka offsets, past what the old primary had not yet delivered). Nothing is decided when the source did
 * not answer, nor for a gap already recorded.
 */
final class SlotLoss {

    private SlotLoss() {
    }

    /** {@code found}: the source's answer, empty when it did not answer. */
    static Optional<RecordDataGap> of(MonitoredPipeline pipeline, Optional<SlotObserver.SourceSlots> found,
                                      Instant observedAt) {
        if (pipeline.dataGapOpen() || found.isEmpty()) {
            return Optional.empty();
        }
        SlotObserver.SourceSlots source = found.get();
        SlotObserver.SlotUsage slot = source.slots().get(pipeline.slotName());
        String known = pipeline.slotConfirmedLsn();
        if (slot == null) {
            return pipeline.slotExpected() ? gap(pipeline, known, "replication slot " + pipeline.slotName()
                    + " is missing on the primary " + source.primary() + ": it was dropped outside Pipewright, or "
                    + "the source failed over to a node without it", observedAt) : Optional.empty();
        }
        String confirmed = slot.confirmedFlushLsn() != null ? slot.confirmedFlushLsn() : known;
        if (slot.invalidated()) {
            return gap(pipeline, confirmed, "the source invalidated replication slot " + pipeline.slotName() + " ("
                    + (slot.invalidationReason() != null ? slot.invalidationReason() : "wal_status lost")
                    + "): it removed WAL the connector had not read yet, beyond max_slot_wal_keep_size", observedAt);
        }
        boolean moved = pipeline.slotSeenOn() != null && !pipeline.slotSeenOn().equals(source.primary());
        if (moved && !slot.synced()) {
            return gap(pipeline, known, "replication slot " + pipeline.slotName() + " on the new primary "
                    + source.primary() + " was created anew after the failover from " + pipeline.slotSeenOn()
                    + ", not synced from it: changes the connector had not confirmed there may be missing",
                    observedAt);
        }
        return Optional.empty();
    }

    private static Optional<RecordDataGap> gap(MonitoredPipeline pipeline, String fromLsn, String reason,
                                               Instant observedAt) {
        return Optional.of(new RecordDataGap(pipeline.pipelineId(), fromLsn, reason, observedAt));
    }
}
