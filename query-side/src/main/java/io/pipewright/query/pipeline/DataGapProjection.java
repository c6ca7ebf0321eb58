package io.pipewright.query.pipeline;

import io.pipewright.kernel.pipeline.DataGapDetected;
import io.pipewright.kernel.pipeline.PipelineRestartRequested;
import io.pipewright.query.Projections;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;

/**
 * Keeps {@code pipeline_data_gap}, the open data gaps the status warnings show, in step with the pipelines' events:
 * written when a gap is detected, removed when a restart with a re-snapshot is requested, by upsert and delete, so a
 * replay ends where the events end. A projection of its own in the pipeline views' group, so that the restart's other
 * effects on the view stay apart from the re-snapshot's (Axon invokes one handler per event and class).
 */
@Component
@ProcessingGroup(Projections.PIPELINE_VIEWS)
class DataGapProjection {

    private final DatabaseClient database;

    DataGapProjection(DatabaseClient database) {
        this.database = database;
    }

    @EventHandler
    void on(DataGapDetected event) {
        database.sql("""
                        INSERT INTO pipeline_data_gap (pipeline_id, from_lsn, reason, detected_at)
                        VALUES (:id, :fromLsn, :reason, :at)
                        ON CONFLICT (pipeline_id) DO UPDATE
                        SET from_lsn = EXCLUDED.from_lsn, reason = EXCLUDED.reason, detected_at = EXCLUDED.detected_at""")
                .bind("id", event.pipelineId()).bind("fromLsn", Parameter.fromOrEmpty(event.fromLsn(), String.class))
                .bind("reason", event.reason()).bind("at", event.detectedAt())
                .then().block();
    }

    @EventHandler
    void on(PipelineRestartRequested event) {
        if (event.resnapshot()) {
            database.sql("DELETE FROM pipeline_data_gap WHERE pipeline_id = :id").bind("id", event.pipelineId())
                    .then().block();
        }
    }

    @ResetHandler
    void clear() {
        database.sql("DELETE FROM pipeline_data_gap").then().block();
    }
}
