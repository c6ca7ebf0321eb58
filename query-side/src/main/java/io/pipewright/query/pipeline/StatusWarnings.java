package io.pipewright.query.pipeline;

import io.pipewright.kernel.pipeline.PipelineStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * What the status view warns about. A replication slot keeps every WAL segment its connector has not confirmed, so a
 * paused or stalled connector makes the source's disk fill up, or, where the source limits it
 * ({@code max_slot_wal_keep_size}), makes the source invalidate the slot: warned about before either happens. A slot
 * that was lost is a data gap: changes may be missing from Kafka until the tables are snapshotted again. A pipeline
 * that captures all tables leaves out the tables it cannot publish without breaking the application's UPDATE and
 * DELETE: the user must know they are missing. A resource altered past Pipewright (drift) is named until it is
 * repaired or put back.
 */
@Component
class StatusWarnings {

    static final String PAUSED_RETAINS_WAL = "the connector is paused but keeps its replication slot: the source "
            + "retains WAL until the pipeline is resumed or deleted";

    /**
     * What the last health check measured of the slot: WAL it retains, WAL that can still be written before the source
     * invalidates it (null: no limit, or not measured), and the source's {@code max_slot_wal_keep_size} in bytes
     * (null: unlimited).
     */
    record SlotWal(Long retainedBytes, Long safeBytes, Long maxKeepBytes) {
    }

    /** An open data gap: changes after {@code fromLsn} (null: unknown) may be missing since {@code detectedAt}. */
    record DataGap(String fromLsn, String reason, Instant detectedAt) {
    }

    private final long retainedWalThreshold;
    private final double safeWalFraction;

    /**
     * {@code safeWalFraction}: warn once the WAL left before the source invalidates the slot is under this fraction of
     * its {@code max_slot_wal_keep_size}.
     */
    StatusWarnings(@Value("${pipewright.health.retained-wal-warning-bytes:1073741824}") long retainedWalThreshold,
                   @Value("${pipewright.health.safe-wal-warning-fraction:0.2}") double safeWalFraction) {
        this.retainedWalThreshold = retainedWalThreshold;
        this.safeWalFraction = safeWalFraction;
    }

    /**
     * {@code gap}: the open data gap, null when none. {@code uncapturedTables}: tables left out of a pipeline that
     * captures all tables. {@code drifts}: each open drift as {@code resource: expected ..., found ...}.
     */
    List<String> about(String status, SlotWal wal, DataGap gap, List<String> uncapturedTables, List<String> drifts) {
        List<String> warnings = new ArrayList<>();
        if (gap != null) {
            warnings.add("data gap: changes committed on the source after "
                    + (gap.fromLsn() == null ? "the last position the connector confirmed" : "LSN " + gap.fromLsn())
                    + " may be missing from Kafka (detected " + gap.detectedAt() + ": " + gap.reason() + "); restart "
                    + "the pipeline with a re-snapshot (POST .../restart with {\"resnapshot\": true}) to capture the "
                    + "tables again");
        }
        if (PipelineStatus.PAUSED.wireName().equals(status)) {
            warnings.add(PAUSED_RETAINS_WAL);
        }
        boolean nearInvalidation = wal.safeBytes() != null && wal.maxKeepBytes() != null
                && wal.safeBytes() < safeWalFraction * wal.maxKeepBytes();
        if (nearInvalidation) {
            warnings.add("the replication slot retains " + wal.retainedBytes() + " bytes of WAL on the source; only "
                    + wal.safeBytes() + " more bytes may be written before the source invalidates it "
                    + "(max_slot_wal_keep_size " + wal.maxKeepBytes() + " bytes), and then the pipeline loses data "
                    + "until it is re-snapshotted: resume or repair the connector");
        } else if (wal.retainedBytes() != null && wal.retainedBytes() > retainedWalThreshold) {
            warnings.add("the replication slot retains " + wal.retainedBytes() + " bytes of WAL on the source, more "
                    + "than the " + retainedWalThreshold + " bytes allowed before this warning; an unread slot can "
                    + "fill the source's disk");
        }
        if (!uncapturedTables.isEmpty()) {
            warnings.add("not captured: " + String.join(", ", uncapturedTables) + " (no primary key and replica "
                    + "identity DEFAULT or NOTHING, so publishing them would make the application's UPDATE and DELETE "
                    + "fail); give them a primary key and the next health check publishes them, or create the "
                    + "pipeline with config.replica_identity_full true");
        }
        drifts.forEach(drift -> warnings.add("drift: " + drift + " (changed outside Pipewright; with drift_policy "
                + "repair the next health check converges it back, with report it is left as it is)"));
        return warnings;
    }
}
