package io.pipewright.adapters.health;

import io.pipewright.kernel.pipeline.ConnectorCreated;
import io.pipewright.kernel.pipeline.DataGapDetected;
import io.pipewright.kernel.pipeline.PipelineRestartRequested;
import java.sql.Timestamp;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps, in {@code pipeline_health} and in step with the pipelines' events, what decides a lost slot: whether the
 * pipeline should have a slot, and whether a data gap is open ({@link JdbcMonitoredPipelines} stores where the rounds
 * saw it). A component of its own in the same processing group, so that the restart's other effects on the table stay
 * apart from the re-snapshot's (Axon invokes one handler per event and class); the group's reset empties the table.
 */
@Component
@ProcessingGroup(JdbcMonitoredPipelines.PROCESSING_GROUP)
class SlotRecords {

    private final JdbcTemplate jdbc;

    SlotRecords(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The connector of a re-snapshot exists: its task creates the new slot when it starts, which for a paused pipeline
     * is at its resume. Whatever a round saw before was the old slot, so the new one is expected only once a round that
     * began after this creation sees it ({@link JdbcMonitoredPipelines}); a slot is never expected merely because its
     * connector exists, which turned the moments before the task created it into a false data gap.
     */
    @EventHandler
    void on(ConnectorCreated event) {
        jdbc.update("""
                        UPDATE pipeline_health SET slot_expected = false, slot_host = NULL, slot_port = NULL,
                            slot_confirmed_lsn = NULL, resnapshot_requested_at = ?
                        WHERE pipeline_id = ? AND resnapshot_requested_at IS NOT NULL""",
                Timestamp.from(event.completedAt()), event.pipelineId());
    }

    @EventHandler
    void on(DataGapDetected event) {
        jdbc.update("UPDATE pipeline_health SET data_gap_open = true WHERE pipeline_id = ?", event.pipelineId());
    }

    /**
     * A re-snapshot heals the gap and starts over with a new slot: until a check sees it, its absence is no loss, and
     * where the old one was seen is no reference.
     */
    @EventHandler
    void on(PipelineRestartRequested event) {
        if (event.resnapshot()) {
            jdbc.update("""
                            UPDATE pipeline_health SET data_gap_open = false, slot_expected = false, slot_host = NULL,
                                slot_port = NULL, slot_confirmed_lsn = NULL, resnapshot_requested_at = ?
                            WHERE pipeline_id = ?""",
                    Timestamp.from(event.at()), event.pipelineId());
        }
    }
}
