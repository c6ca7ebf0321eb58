package io.pipewright.query.dag;

import io.pipewright.kernel.dag.CheckResult;
import io.pipewright.kernel.dag.DagDefinition;
import io.pipewright.kernel.dag.DagPipelineCreated;
import io.pipewright.kernel.dag.DagPipelineDeleted;
import io.pipewright.kernel.dag.DagPipelineRevised;
import io.pipewright.kernel.dag.DagRunCancelled;
import io.pipewright.kernel.dag.DagRunFailed;
import io.pipewright.kernel.dag.DagRunSlaMissed;
import io.pipewright.kernel.dag.DagRunStarted;
import io.pipewright.kernel.dag.DagRunSucceeded;
import io.pipewright.kernel.dag.DagSchedule;
import io.pipewright.kernel.dag.DagScheduleConfigured;
import io.pipewright.kernel.dag.DagTask;
import io.pipewright.kernel.dag.DagTaskFailed;
import io.pipewright.kernel.dag.DagTaskSkipped;
import io.pipewright.kernel.dag.DagTaskStarted;
import io.pipewright.kernel.dag.DagTaskSucceeded;
import io.pipewright.kernel.query.DagRunView;
import io.pipewright.kernel.query.FindDagPipeline;
import io.pipewright.kernel.query.FindDagRun;
import io.pipewright.query.Projections;
import io.pipewright.query.ViewJson;
import java.time.Instant;
import java.util.HashMap;
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
 * Keeps the DAG views ({@code dag_pipeline}, {@code dag_pipeline_version}, {@code dag_run}, {@code dag_run_task}) in
 * step with the DAG pipelines' and runs' events, and tells whoever awaits a {@link FindDagPipeline} or
 * {@link FindDagRun} answer once its rows are written ({@link DagViewWrites}). A pipeline's rows are guarded by the
 * sequence numbers of the pipeline's stream, a run's and its tasks' by those of the run's, so an event delivered twice
 * changes nothing. A run appears when it starts ({@link DagRunStarted} names its tasks, each pending); what the
 * pipeline's stream records about admitting and releasing runs changes no view.
 */
@Component
@ProcessingGroup(Projections.DAG_VIEWS)
class DagProjection {

    private static final List<String> TABLES = List.of("dag_run_task", "dag_run", "dag_pipeline_version",
            "dag_pipeline");
    private static final String UPDATE_PIPELINE = "UPDATE dag_pipeline SET %s, updated_at = :at,"
            + " last_sequence = :sequence WHERE id = :id AND last_sequence < :sequence";
    private static final String UPDATE_RUN = "UPDATE dag_run SET %s, last_sequence = :sequence"
            + " WHERE id = :id AND last_sequence < :sequence";
    private static final String UPDATE_TASK = "UPDATE dag_run_task SET %s, last_sequence = :sequence"
            + " WHERE run_id = :id AND task_id = :task AND last_sequence < :sequence";
    /** The tasks a cancelled run stops: those not ended yet. */
    private static final String UNFINISHED = "status IN ('" + DagRunView.Task.PENDING + "', '" + DagRunView.RUNNING
            + "', '" + DagRunView.Task.RETRYING + "')";

    private final DagViewWrites writes;
    private final ViewJson json;

    DagProjection(DatabaseClient database, ViewJson json, QueryUpdateEmitter updates) {
        this.json = json;
        this.writes = new DagViewWrites(database, changed -> {
            if (changed.query() == FindDagPipeline.class) {
                updates.emit(FindDagPipeline.class, query -> query.pipelineId().equals(changed.id()), changed.id());
            } else {
                updates.emit(FindDagRun.class, query -> query.runId().equals(changed.id()), changed.id());
            }
        });
    }

    /** Version 1 and the pipeline; its schedule is the definition's, enabled, in UTC, catching up on nothing. */
    @EventHandler
    void on(DagPipelineCreated event, @SequenceNumber long sequence) {
        addVersion(event.pipelineId(), event.version(), event.definition(), event.author(), event.at());
        String cron = event.definition().schedule();
        Map<String, Object> row = pipeline(event.pipelineId(), sequence, event.at());
        row.put("organization", event.organizationId());
        row.put("name", event.definition().name());
        row.put("version", event.version());
        row.put("cron", text(cron));
        row.put("timeZone", text(cron == null ? null : "UTC"));
        row.put("enabled", cron != null);
        row.put("catchUp", text(cron == null ? null : DagSchedule.CatchUp.NONE.wireName()));
        writes.write("INSERT INTO dag_pipeline (id, organization_id, name, latest_version, schedule_cron,"
                + " schedule_time_zone, schedule_enabled, schedule_catch_up, created_at, updated_at, last_sequence)"
                + " VALUES (:id, :organization, :name, :version, :cron, :timeZone, :enabled, :catchUp, :at, :at,"
                + " :sequence) ON CONFLICT (id) DO NOTHING", row, pipelineChanged(event.pipelineId()));
    }

    /** The new version becomes the latest, and its name the pipeline's; the schedule stays as configured. */
    @EventHandler
    void on(DagPipelineRevised event, @SequenceNumber long sequence) {
        addVersion(event.pipelineId(), event.version(), event.definition(), event.author(), event.at());
        Map<String, Object> row = pipeline(event.pipelineId(), sequence, event.at());
        row.put("name", event.definition().name());
        row.put("version", event.version());
        updatePipeline(row, "name = :name, latest_version = :version");
    }

    @EventHandler
    void on(DagScheduleConfigured event, @SequenceNumber long sequence) {
        DagSchedule schedule = event.schedule();
        Map<String, Object> row = pipeline(event.pipelineId(), sequence, event.at());
        row.put("cron", text(schedule.cron()));
        row.put("timeZone", text(schedule.timeZone()));
        row.put("enabled", schedule.enabled());
        row.put("catchUp", text(schedule.catchUp() == null ? null : schedule.catchUp().wireName()));
        updatePipeline(row, "schedule_cron = :cron, schedule_time_zone = :timeZone,"
                + " schedule_enabled = :enabled, schedule_catch_up = :catchUp");
    }

    @EventHandler
    void on(DagPipelineDeleted event, @SequenceNumber long sequence) {
        updatePipeline(pipeline(event.pipelineId(), sequence, event.at()), "deleted_at = :at");
    }

    /** The run and each of its tasks, pending, in the definition's order. */
    @EventHandler
    void on(DagRunStarted event, @SequenceNumber long sequence) {
        Map<String, Object> run = run(event.runId(), sequence);
        run.put("pipeline", event.pipelineId());
        run.put("organization", event.organizationId());
        run.put("version", event.version());
        run.put("status", DagRunView.RUNNING);
        run.put("executionDate", text(event.executionDate()));
        run.put("trigger", text(event.trigger()));
        run.put("at", event.at());
        writes.write("INSERT INTO dag_run (id, pipeline_id, organization_id, version, status, execution_date, trigger,"
                + " sla_missed, started_at, last_sequence) VALUES (:id, :pipeline, :organization, :version, :status,"
                + " :executionDate, :trigger, false, :at, :sequence) ON CONFLICT (id) DO NOTHING", run,
                runChanged(event.runId()));
        List<DagTask> tasks = event.definition().tasks();
        for (int position = 0; position < tasks.size(); position++) {
            DagTask task = tasks.get(position);
            Map<String, Object> row = task(event.runId(), task.id(), sequence);
            row.put("position", position);
            row.put("type", task.type());
            row.put("dependsOn", task.dependsOn().toArray(String[]::new));
            row.put("status", DagRunView.Task.PENDING);
            writes.write("INSERT INTO dag_run_task (run_id, task_id, position, type, depends_on, status, attempts,"
                    + " last_sequence) VALUES (:id, :task, :position, :type, :dependsOn, :status, 0, :sequence)"
                    + " ON CONFLICT (run_id, task_id) DO NOTHING", row, runChanged(event.runId()));
        }
    }

    /** A retry keeps the previous attempt's error until it ends; the task's start is its first attempt's. */
    @EventHandler
    void on(DagTaskStarted event, @SequenceNumber long sequence) {
        Map<String, Object> row = task(event.runId(), event.taskId(), sequence);
        row.put("status", DagRunView.RUNNING);
        row.put("attempt", event.attempt());
        row.put("at", event.at());
        updateTask(row, "status = :status, attempts = :attempt, started_at = COALESCE(started_at, :at),"
                + " next_attempt_at = NULL");
    }

    @EventHandler
    void on(DagTaskSucceeded event, @SequenceNumber long sequence) {
        Map<String, Object> row = task(event.runId(), event.taskId(), sequence);
        row.put("status", DagRunView.SUCCEEDED);
        row.put("attempt", event.attempt());
        row.put("rows", Parameter.fromOrEmpty(event.rowsWritten(), Long.class));
        row.put("checks", json.write(event.checks()));
        row.put("at", event.at());
        updateTask(row, "status = :status, attempts = :attempt, rows_written = :rows, checks = :checks,"
                + " ended_at = :at, next_attempt_at = NULL, error = NULL");
    }

    /** Retrying until {@code retry_at}, or failed for good when there is none. */
    @EventHandler
    void on(DagTaskFailed event, @SequenceNumber long sequence) {
        boolean retrying = event.retryAt() != null;
        Map<String, Object> row = task(event.runId(), event.taskId(), sequence);
        row.put("status", retrying ? DagRunView.Task.RETRYING : DagRunView.FAILED);
        row.put("attempt", event.attempt());
        row.put("error", text(event.error()));
        row.put("checks", json.write(event.checks()));
        row.put("next", Parameter.fromOrEmpty(event.retryAt(), Instant.class));
        row.put("ended", Parameter.fromOrEmpty(retrying ? null : event.at(), Instant.class));
        updateTask(row, "status = :status, attempts = :attempt, error = :error, checks = :checks,"
                + " next_attempt_at = :next, ended_at = :ended");
    }

    @EventHandler
    void on(DagTaskSkipped event, @SequenceNumber long sequence) {
        Map<String, Object> row = task(event.runId(), event.taskId(), sequence);
        row.put("status", DagRunView.Task.SKIPPED);
        row.put("error", text(event.reason()));
        row.put("at", event.at());
        updateTask(row, "status = :status, error = :error, ended_at = :at, next_attempt_at = NULL");
    }

    @EventHandler
    void on(DagRunSucceeded event, @SequenceNumber long sequence) {
        endRun(event.runId(), sequence, DagRunView.SUCCEEDED, event.at(), null);
    }

    @EventHandler
    void on(DagRunFailed event, @SequenceNumber long sequence) {
        endRun(event.runId(), sequence, DagRunView.FAILED, event.at(),
                "failed tasks: " + String.join(", ", event.failedTasks()));
    }

    /** The run and every task of it that had not ended. */
    @EventHandler
    void on(DagRunCancelled event, @SequenceNumber long sequence) {
        endRun(event.runId(), sequence, DagRunView.CANCELLED, event.at(), event.reason());
        Map<String, Object> tasks = run(event.runId(), sequence);
        tasks.put("status", DagRunView.CANCELLED);
        tasks.put("at", event.at());
        writes.write("UPDATE dag_run_task SET status = :status, ended_at = :at, next_attempt_at = NULL,"
                + " last_sequence = :sequence WHERE run_id = :id AND " + UNFINISHED
                + " AND last_sequence < :sequence", tasks, runChanged(event.runId()));
    }

    @EventHandler
    void on(DagRunSlaMissed event, @SequenceNumber long sequence) {
        writes.write(UPDATE_RUN.formatted("sla_missed = true"), run(event.runId(), sequence),
                runChanged(event.runId()));
    }

    @ResetHandler
    void clear() {
        writes.clear(TABLES);
    }

    private void addVersion(UUID pipelineId, int version, DagDefinition definition, String author, Instant at) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", pipelineId);
        row.put("version", version);
        row.put("definition", json.write(definition));
        row.put("author", text(author));
        row.put("at", at);
        writes.write("INSERT INTO dag_pipeline_version (pipeline_id, version, definition, author, created_at)"
                + " VALUES (:id, :version, :definition, :author, :at) ON CONFLICT (pipeline_id, version) DO NOTHING",
                row, pipelineChanged(pipelineId));
    }

    private void endRun(UUID runId, long sequence, String status, Instant at, String error) {
        Map<String, Object> row = run(runId, sequence);
        row.put("status", status);
        row.put("at", at);
        row.put("error", text(error));
        writes.write(UPDATE_RUN.formatted("status = :status, ended_at = :at, error = :error"), row,
                runChanged(runId));
    }

    private void updatePipeline(Map<String, Object> row, String assignments) {
        UUID pipelineId = (UUID) row.get("id");
        writes.write(UPDATE_PIPELINE.formatted(assignments), row, pipelineChanged(pipelineId));
    }

    private void updateTask(Map<String, Object> row, String assignments) {
        writes.write(UPDATE_TASK.formatted(assignments), row, runChanged((UUID) row.get("id")));
    }

    private static Map<String, Object> pipeline(UUID pipelineId, long sequence, Instant at) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", pipelineId);
        row.put("sequence", sequence);
        row.put("at", at);
        return row;
    }

    private static Map<String, Object> run(UUID runId, long sequence) {
        Map<String, Object> row = new HashMap<>();
        row.put("id", runId);
        row.put("sequence", sequence);
        return row;
    }

    private static Map<String, Object> task(UUID runId, String taskId, long sequence) {
        Map<String, Object> row = run(runId, sequence);
        row.put("task", taskId);
        return row;
    }

    private static DagViewWrites.Changed pipelineChanged(UUID pipelineId) {
        return new DagViewWrites.Changed(FindDagPipeline.class, pipelineId);
    }

    private static DagViewWrites.Changed runChanged(UUID runId) {
        return new DagViewWrites.Changed(FindDagRun.class, runId);
    }

    /** A text column's value, which may be NULL. */
    private static Parameter text(String value) {
        return Parameter.fromOrEmpty(value, String.class);
    }
}
