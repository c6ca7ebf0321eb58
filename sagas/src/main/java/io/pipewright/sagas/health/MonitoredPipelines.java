package io.pipewright.sagas.health;

import io.pipewright.kernel.pipeline.SourceNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The health monitor's durable schedule and measurements, shared by every control-plane node. */
public interface MonitoredPipelines {

    /**
     * Up to {@code limit} pipelines whose check was due at {@code dueBy}, each moved {@code interval} ahead in the same
     * statement, so concurrent rounds (on other nodes) never take the same pipeline. A round passes its start as
     * {@code dueBy}: it ends even when it takes longer than the interval.
     */
    List<MonitoredPipeline> claimDue(int limit, Duration interval, Instant dueBy);

    /** Every monitored pipeline of a source, for the primary watch. */
    List<MonitoredPipeline> ofSource(UUID sourceServiceId);

    List<UUID> monitoredSources();

    /**
     * Stores what one batch of checks measured, by pipeline, in one round trip. {@code observedFrom}: the round's
     * start; where a slot was seen is not stored for a pipeline whose re-snapshot was asked for since.
     */
    void recordChecks(Map<UUID, Measurement> measurements, Instant observedFrom, Instant checkedAt);

    /**
     * What one check measured; null where it could not (the worker or the source did not answer, the slot is absent).
     * {@code slotSeenOn}, {@code slotConfirmedLsn}: where the slot was found and what it confirmed;
     * {@code safeWalBytes}: WAL left before the source invalidates the slot; {@code maxSlotWalKeepBytes}: the source's
     * {@code max_slot_wal_keep_size} (null when unlimited); {@code sourceAnswered}: whether the source answered the
     * slot query (the status shows the pipeline degraded from the first round it did not until one it does).
     */
    record Measurement(Long sourceLagBytes, Long retainedWalBytes, SourceNode connectedTo, SourceNode slotSeenOn,
                       String slotConfirmedLsn, Long safeWalBytes, Long maxSlotWalKeepBytes, boolean sourceAnswered) {
    }
}
