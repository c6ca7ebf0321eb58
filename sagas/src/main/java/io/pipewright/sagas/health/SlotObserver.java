package io.pipewright.sagas.health;

import io.pipewright.kernel.service.PostgresEndpoint;
import java.util.Collection;
import java.util.Map;

/** The replication slots of one source, measured on its current primary in one query. */
public interface SlotObserver {

    /**
     * {@code lagBytes}: WAL written but not yet confirmed by the connector; {@code retainedBytes}: WAL the slot keeps
     * on the primary's disk.
     */
    record SlotUsage(long lagBytes, long retainedBytes) {
    }

    Map<String, SlotUsage> measure(PostgresEndpoint source, Collection<String> slotNames);
}
