package io.pipewright.query.pipeline;

import io.pipewright.kernel.pipeline.ConnectorCreated;
import io.pipewright.kernel.pipeline.ConnectorHealthChanged;
import io.pipewright.kernel.pipeline.ConnectorRepointed;
import io.pipewright.kernel.pipeline.ConnectorRestarted;
import io.pipewright.kernel.pipeline.FailoverDetected;
import io.pipewright.kernel.pipeline.TaskState;
import io.pipewright.kernel.pipeline.PeeringEnsured;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.PipelineCreated;
import io.pipewright.kernel.pipeline.PipelineDeleted;
import io.pipewright.kernel.pipeline.PipelineDeletionRequested;
import io.pipewright.kernel.pipeline.PipelineFailed;
import io.pipewright.kernel.pipeline.PipelinePaused;
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
import java.time.Instant;
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
 * Keeps {@code pipeline_view} in step with the pipelines' events. Each row remembers the sequence number of the last
 * event applied and every statement is guarded by it, so an event delivered twice (at-least-once, or a replay over
 * a view that was not cleared) changes nothing. A deleted pipeline keeps its row with status Deleted.
 */
@Component
@ProcessingGroup(Projections.PIPELINE_VIEWS)
class PipelineProjection {

    private final DatabaseClient database;
    private final ViewJson json;
    private final QueryUpdateEmitter updates;

    PipelineProjection(DatabaseClient database, ViewJson json, QueryUpdateEmitter updates) {
        this.json = json;
        this.database = database;
        this.updates = updates;
    }

    @EventHandler
    void on(PipelineCreated event, @SequenceNumber long sequence) {
        PipelineConfig config = event.config();
        database.sql("""
                        INSERT INTO pipeline_view (id, organization_id, name, pipeline_type, source_service_id,
                            sink_service_id, status, database_name, tables, topic_prefix, snapshot_mode,
                            replica_identity_full, created_at, updated_at, last_sequence)
                        VALUES (:id, :organizationId, :name, :pipelineType, :sourceServiceId, :sinkServiceId, :status,
                            :databaseName, :tables, :topicPrefix, :snapshotMode, :replicaIdentityFull, :createdAt,
                            :createdAt, :sequence)
                        ON CONFLICT (id) DO NOTHING""")
                .bind("id", event.pipelineId())
                .bind("organizationId", event.organizationId())
                .bind("name", event.name())
                .bind("pipelineType", event.pipelineType())
                .bind("sourceServiceId", event.sourceServiceId())
                .bind("sinkServiceId", event.sinkServiceId())
                .bind("status", PipelineStatus.PENDING.wireName())
                .bind("replicaIdentityFull", event.config().replicaIdentityFull())
                .bind("databaseName", config.databaseName())
                .bind("tables", config.tables().toArray(String[]::new))
                .bind("topicPrefix", config.topicPrefix())
                .bind("snapshotMode", config.snapshotMode().debeziumValue())
                .bind("createdAt", event.createdAt())
                .bind("sequence", sequence)
                .then()
                .block();
        changed(event.pipelineId());
    }

    @EventHandler
    void on(ProvisionStepStarted event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.startedAt(), ", status = :status, provision_step = :step",
                Map.of("status", PipelineStatus.PROVISIONING.wireName(), "step", event.step().wireName()));
    }

    @EventHandler
    void on(PeeringEnsured event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.completedAt(), "", Map.of());
    }

    @EventHandler
    void on(PluginInstalled event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.completedAt(), "", Map.of());
    }

    @EventHandler
    void on(SourcePrepared event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.completedAt(), "", Map.of());
    }

    @EventHandler
    void on(PublicationCreated event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.completedAt(), "", Map.of());
    }

    @EventHandler
    void on(ConnectorCreated event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.completedAt(), ", connector_name = :connectorName",
                Map.of("connectorName", Parameter.fromOrEmpty(event.resource(), String.class)));
    }

    @EventHandler
    void on(PipelineRunning event, @SequenceNumber long sequence) {
        List<TaskStateView> tasks = taskViews(event.taskStates());
        update(event.pipelineId(), sequence, event.at(), ", status = :status, error_message = NULL"
                        + ", connector_state = :connectorState, task_states = :taskStates",
                Map.of("status", PipelineStatus.RUNNING.wireName(),
                        "connectorState", Parameter.fromOrEmpty(event.connectorState(), String.class),
                        "taskStates", json.write(tasks)));
    }

    @EventHandler
    void on(PipelineFailed event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.at(), ", status = :status, error_message = :errorMessage",
                Map.of("status", PipelineStatus.FAILED.wireName(),
                        "errorMessage", Parameter.fromOrEmpty(event.errorMessage(), String.class)));
    }

    /** The error shown while a connector or task failed (its trace), cleared once they run again. */
    @EventHandler
    void on(ConnectorHealthChanged event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.at(), ", connector_state = :connectorState"
                        + ", task_states = :taskStates, error_message = :errorMessage",
                Map.of("connectorState", Parameter.fromOrEmpty(event.connectorState(), String.class),
                        "taskStates", json.write(taskViews(event.taskStates())),
                        "errorMessage", Parameter.fromOrEmpty(event.errorMessage(), String.class)));
    }

    @EventHandler
    void on(ConnectorRestarted event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.at(), "", Map.of());
    }

    @EventHandler
    void on(FailoverDetected event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.at(), ", error_message = :errorMessage",
                Map.of("errorMessage", "source failover: re-pointing the connector from " + event.from() + " to the "
                        + "new primary " + event.to()));
    }

    @EventHandler
    void on(ConnectorRepointed event, @SequenceNumber long sequence) {
        update(event.pipelineId(), sequence, event.at(), ", error_message = NULL", Map.of());
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

    private static List<TaskStateView> taskViews(List<TaskState> tasks) {
        return tasks.stream().map(task -> new TaskStateView(task.id(), task.state())).toList();
    }

    @ResetHandler
    void clear() {
        database.sql("DELETE FROM pipeline_view").then().block();
    }

    /** A transient error (a failover, a failed step that was retried) is over once the pipeline runs again. */
    private void becomeRunning(UUID pipelineId, long sequence, Instant at) {
        update(pipelineId, sequence, at, ", status = :status, error_message = NULL",
                Map.of("status", PipelineStatus.RUNNING.wireName()));
    }

    private void changeStatus(UUID pipelineId, long sequence, Instant at, PipelineStatus status) {
        update(pipelineId, sequence, at, ", status = :status", Map.of("status", status.wireName()));
    }

    /** {@code assignments} are further {@code , column = :parameter} items, bound from {@code values}. */
    private void update(UUID pipelineId, long sequence, Instant at, String assignments, Map<String, ?> values) {
        database.sql("UPDATE pipeline_view SET updated_at = :at, last_sequence = :sequence" + assignments
                        + " WHERE id = :id AND last_sequence < :sequence")
                .bindValues(values)
                .bind("at", at)
                .bind("sequence", sequence)
                .bind("id", pipelineId)
                .then()
                .block();
        changed(pipelineId);
    }

    /** Wakes the requests waiting for this pipeline's view (after the handler's unit of work, when there is one). */
    private void changed(UUID pipelineId) {
        updates.emit(FindPipeline.class, query -> query.pipelineId().equals(pipelineId), pipelineId);
    }
}
