package io.pipewright.query.pipeline;

import io.pipewright.kernel.pipeline.PipelineStatus;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * What the status view warns about. A replication slot keeps every WAL segment its connector has not confirmed, so a
 * paused or stalled connector makes the source's disk fill up. A pipeline that captures all tables leaves out the
 * tables it cannot publish without breaking the application's UPDATE and DELETE: the user must know they are missing.
 * A resource altered past Pipewright (drift) is named until it is repaired or put back.
 */
@Component
class StatusWarnings {

    static final String PAUSED_RETAINS_WAL = "the connector is paused but keeps its replication slot: the source "
            + "retains WAL until the pipeline is resumed or deleted";

    private final long retainedWalThreshold;

    StatusWarnings(@Value("${pipewright.health.retained-wal-warning-bytes:1073741824}") long retainedWalThreshold) {
        this.retainedWalThreshold = retainedWalThreshold;
    }

    /**
     * {@code uncapturedTables}: tables left out of a pipeline that captures all tables. {@code drifts}: each open
     * drift as {@code resource: expected ..., found ...}.
     */
    List<String> about(String status, Long retainedWalBytes, List<String> uncapturedTables, List<String> drifts) {
        List<String> warnings = new ArrayList<>();
        if (PipelineStatus.PAUSED.wireName().equals(status)) {
            warnings.add(PAUSED_RETAINS_WAL);
        }
        if (retainedWalBytes != null && retainedWalBytes > retainedWalThreshold) {
            warnings.add("the replication slot retains " + retainedWalBytes + " bytes of WAL on the source, more "
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
