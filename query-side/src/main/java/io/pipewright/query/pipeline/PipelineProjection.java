package io.pipewright.query.pipeline;

import io.pipewright.kernel.pipeline.ConnectorCreated;
import io.pipewright.kernel.pipeline.ConnectorHealth;
import io.pipewright.kernel.pipeline.ConnectorHealthChanged;
import io.pipewright.kernel.pipeline.ConnectorRepointed;
import io.pipewright.kernel.pipeline.ConnectorRestarted;
import io.pipewright.kernel.pipeline.DriftCleared;
import io.pipewright.kernel.pipeline.DriftDetected;
import io.pipewright.kernel.pipeline.DriftRepaired;
import io.pipewright.kernel.pipeline.FailoverDetected;
import io.pipewright.kernel.pipeline.TaskState;
import io.pipewright.kernel.pipeline.PeeringEnsured;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.PipelineCreated;
import io.pipewright.kernel.pipeline.PipelineDeleted;
import io.pipewright.kernel.pipeline.PipelineDeletionRequested;
import io.pipewright.kernel.pipeline.PipelineFailed;
import io.pipewright.kernel.pipeline.PipelinePaused;
import io.pipewright.kernel.pipeline.PipelineRestartRequested;
import io.pipewright.kernel.pipeline.PipelineResumed;
import io.pipewright.kernel.pipeline.PipelineRunning;
import io.pipewright.kernel.pipeline.PipelineStatus;
import io.pipewright.kernel.pipeline.PluginInstalled;
import io.pipewright.kernel.pipeline.ProvisionStepStarted;
import io.pipewright.kernel.pipeline.PublicationCreated;
import io.pipewright.kernel.pipeline.SourcePrepared;
import io.pipewright.kernel.query.FindPipeline;
import io.pipewright.kernel.query.TaskStateView;
import io.pipewright.query.Projections;
import io.pipewright.query.ViewJson;
import io.pipewright.query.ViewRows;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;

/**
 * Keeps {@code pipeline_view} in step with the pipelines' events, written a batch of events at a time and guarded by
 * the sequence number of the last event applied ({@link ViewRows}), so an event delivered twice changes nothing. A
 * deleted pipeline keeps its row with status Deleted. Open drifts are rows of {@code pipeline_drift}, written by upsert
 * and delete, so a replay ends where the events end.
 */
@Component
@ProcessingGroup(Projections.PIPELINE_VIEWS)
class PipelineProjection {

    private final ViewRows rows;
    private final ViewJson json;
    private final DatabaseClient database;

    PipelineProjection(DatabaseClient database, ViewJson json, QueryUpdateEmitter updates) {
        this.json = json;
        this.database = database;
        this.rows = new ViewRows(database, "pipeline_view",
                pipelineId -> updates.emit(FindPipeline.class, query -> query.pipelineId().equals(pipelineId),
                        pipelineId));
    }

    @EventHandler
    void on(PipelineCreated event, @SequenceNumber long sequence) {
        PipelineConfig config = event.config();
        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("organization_id", event.organizationId());
        columns.put("name", event.name());
        columns.put("pipeline_type", event.pipelineType());
        columns.put("source_service_id", event.sourceServiceId());
        columns.put("sink_service_id", event.sinkServiceId());
        columns.put("status", PipelineStatus.PENDING.wireName());
        columns.put("database_name", config.databaseName());
        columns.put("tables", config.tables().toArray(String[]::new));
        columns.put("topic_prefix", config.topicPrefix());
        columns.put("snapshot_mode", config.snapshotMode().debeziumValue());
        columns.put("replica_identity_full", config.replicaIdentityFull());
        columns.put("decimal_handling_mode", config.decimalHandlingMode().debeziumValue());
        columns.put("drift_policy", config.driftPolicy().wireValue());
        columns.put("heartbeat_interval_ms", config.heartbeatIntervalMs());
        columns.put("retry_window_minutes", Parameter.fromOrEmpty(config.retryWindowMinutes(), Integer.class));
        columns.put("created_at", event.createdAt());
        columns.put("updated_at", event.createdAt());
        rows.insert(event.pipelineId(), sequence, columns);
    }

    @EventHandler
    void on(ProvisionStepStarted event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.startedAt(), Map.of(
                "status", PipelineStatus.PROVISIONING.wireName(), "provision_step", event.step().wireName()));
    }

    @EventHandler
    void on(PeeringEnsured event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.completedAt(), Map.of());
    }

    @EventHandler
    void on(PluginInstalled event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.completedAt(), Map.of());
    }

    @EventHandler
    void on(SourcePrepared event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.completedAt(), Map.of());
    }

    @EventHandler
    void on(PublicationCreated event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.completedAt(), Map.of());
    }

    @EventHandler
    void on(ConnectorCreated event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.completedAt(),
                Map.of("connector_name", text(event.resource())));
    }

    @EventHandler
    void on(PipelineRunning event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.at(), Map.of("status", PipelineStatus.RUNNING.wireName(),
                "error_message", text(null), "restart_attempts", 0, "next_attempt_at", instant(null),
                "connector_state", text(event.connectorState()),
                "task_states", json.write(taskViews(event.taskStates()))));
    }

    @EventHandler
    void on(PipelineFailed event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.at(), Map.of("status", PipelineStatus.FAILED.wireName(),
                "error_message", text(event.errorMessage()), "next_attempt_at", instant(null)));
    }

    /**
     * A restart asked for: a Failed pipeline is Running again (a step it re-enters follows as its own event), and the
     * retries start over; a connector still failing shows its error again at its next observation.
     */
    @EventHandler
    void on(PipelineRestartRequested event, @SequenceNumber long sequence) {
        Map<String, Object> columns = new LinkedHashMap<>();
        if (event.previousStatus() == PipelineStatus.FAILED) {
            columns.put("status", PipelineStatus.RUNNING.wireName());
            columns.put("error_message", text(null));
        }
        columns.put("restart_attempts", 0);
        columns.put("next_attempt_at", instant(null));
        update(event.pipelineId(), sequence, event.at(), columns);
    }

    /**
     * The error shown while a connector or task failed (its trace) or the worker did not answer, cleared once they
     * run again, and with it the outage's restarts (kept while the worker does not answer: nothing is known then).
     */
    @EventHandler
    void on(ConnectorHealthChanged event, @SequenceNumber long sequence) {
        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("connector_state", text(event.connectorState()));
        columns.put("task_states", json.write(taskViews(event.taskStates())));
        columns.put("error_message", text(event.errorMessage()));
        if (event.healthy() && !ConnectorHealth.UNREACHABLE.equals(event.connectorState())) {
            columns.put("restart_attempts", 0);
            columns.put("next_attempt_at", instant(null));
        }
        update(event.pipelineId(), sequence, event.at(), columns);
    }

    /** Every restart counts in {@code connector_restarts}; {@code restart_attempts} are the current outage's. */
    @EventHandler
    void on(ConnectorRestarted event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.at(), Map.of("restart_attempts", event.attempt(),
                "next_attempt_at", instant(event.nextAttemptAt())));
        rows.count(event.pipelineId(), sequence, "connector_restarts");
    }

    @EventHandler
    void on(FailoverDetected event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.at(), Map.of("error_message",
                "source failover: re-pointing the connector from " + event.from() + " to the new primary "
                        + event.to()));
    }

    @EventHandler
    void on(ConnectorRepointed event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.at(), Map.of("error_message", text(null)));
    }

    @EventHandler
    void on(PipelinePaused event, @SequenceNumber long sequence) {
        changeStatus(event.pipelineId(), sequence, event.at(), PipelineStatus.PAUSED);
    }

    @EventHandler
    void on(PipelineResumed event, @SequenceNumber long sequence) {
        becomeRunning(event.pipelineId(), sequence, event.at());
    }

    @EventHandler
    void on(PipelineDeletionRequested event, @SequenceNumber long sequence) {
        changeStatus(event.pipelineId(), sequence, event.at(), PipelineStatus.DELETING);
    }

    @EventHandler
    void on(PipelineDeleted event, @SequenceNumber long sequence) {
        changeStatus(event.pipelineId(), sequence, event.at(), PipelineStatus.DELETED);
    }

    @EventHandler
    void on(DriftDetected event, @SequenceNumber long sequence) {
        database.sql("""
                        INSERT INTO pipeline_drift (pipeline_id, resource, expected, actual, detected_at)
                        VALUES (:id, :resource, :expected, :actual, :at)
                        ON CONFLICT (pipeline_id, resource) DO UPDATE
                        SET expected = EXCLUDED.expected, actual = EXCLUDED.actual, detected_at = EXCLUDED.detected_at""")
                .bind("id", event.pipelineId()).bind("resource", event.resource())
                .bind("expected", event.expected()).bind("actual", event.actual()).bind("at", event.detectedAt())
                .then().block();
        update(event.pipelineId(), sequence, event.detectedAt(), Map.of());
    }

    @EventHandler
    void on(DriftRepaired event, @SequenceNumber long sequence) {
        closeDrift(event.pipelineId(), event.resource());
        update(event.pipelineId(), sequence, event.repairedAt(), Map.of());
    }

    @EventHandler
    void on(DriftCleared event, @SequenceNumber long sequence) {
        closeDrift(event.pipelineId(), event.resource());
        update(event.pipelineId(), sequence, event.clearedAt(), Map.of());
    }

    private void closeDrift(UUID pipelineId, String resource) {
        database.sql("DELETE FROM pipeline_drift WHERE pipeline_id = :id AND resource = :resource")
                .bind("id", pipelineId).bind("resource", resource).then().block();
    }

    private static List<TaskStateView> taskViews(List<TaskState> tasks) {
        return tasks.stream().map(task -> new TaskStateView(task.id(), task.state())).toList();
    }

    @ResetHandler
    void clear() {
        rows.clear();
        database.sql("DELETE FROM pipeline_drift").then().block();
    }

    /** A transient error (a failover, a failed step that was retried) is over once the pipeline runs again. */
    private void becomeRunning(UUID pipelineId, long sequence, Instant at) {
        update(pipelineId, sequence, at, Map.of("status", PipelineStatus.RUNNING.wireName(),
                "error_message", text(null)));
    }

    private void changeStatus(UUID pipelineId, long sequence, Instant at, PipelineStatus status) {
        update(pipelineId, sequence, at, Map.of("status", status.wireName()));
    }

    /** A time column's value, which may be NULL. */
    private static Parameter instant(Instant value) {
        return Parameter.fromOrEmpty(value, Instant.class);
    }

    /** A text column's value, which may be NULL. */
    private static Parameter text(String value) {
        return Parameter.fromOrEmpty(value, String.class);
    }

    /** Sets {@code columns} and the time of the change. */
    private void update(UUID pipelineId, long sequence, Instant at, Map<String, ?> columns) {
        Map<String, Object> assignments = new LinkedHashMap<>(columns);
        assignments.put("updated_at", at);
        rows.update(pipelineId, sequence, assignments);
    }
}
