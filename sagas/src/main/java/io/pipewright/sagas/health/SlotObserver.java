package io.pipewright.sagas.health;

import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.service.PostgresEndpoint;
import java.util.Collection;
import java.util.Map;

/** The replication slots of one source, measured on its current primary in one query. */
public interface SlotObserver {

    /**
     * {@code lagBytes}: WAL written but not yet confirmed by the connector; {@code retainedBytes}: WAL the slot keeps
     * on the primary's disk; {@code confirmedFlushLsn}: the position the connector confirmed (null if none yet);
     * {@code walStatus}: PostgreSQL's {@code wal_status} ({@code lost} once invalidated); {@code invalidationReason}:
     * PostgreSQL 17's reason for an invalidated slot (null before 17 or when valid); {@code safeWalBytes}: WAL that
     * can still be written before the slot is invalidated by {@code max_slot_wal_keep_size} (null when unlimited);
     * {@code synced}: the slot was synced from a former primary (PostgreSQL 17 failover slots).
     */
    record SlotUsage(long lagBytes, long retainedBytes, String confirmedFlushLsn, String walStatus,
                     String invalidationReason, Long safeWalBytes, boolean synced) {

        /** The source can no longer decode from this slot: the WAL it needed was removed. */
        public boolean invalidated() {
            return "lost".equals(walStatus) || invalidationReason != null;
        }
    }

    /**
     * What one query on the primary ({@code primary}) found: the slots asked for that exist, by name, and the source's
     * {@code max_slot_wal_keep_size} in bytes (null when unlimited).
     */
    record SourceSlots(SourceNode primary, Long maxSlotWalKeepBytes, Map<String, SlotUsage> slots) {

        public SourceSlots {
            slots = Map.copyOf(slots);
        }
    }

    SourceSlots measure(PostgresEndpoint source, Collection<String> slotNames);
}
