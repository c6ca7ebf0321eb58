package io.pipewright.sagas.dag;

import io.pipewright.kernel.CommandRefused;
import io.pipewright.kernel.MessageMetadata;
import io.pipewright.kernel.dag.CancelDagRun;
import io.pipewright.kernel.dag.DagDefinition;
import io.pipewright.kernel.dag.DagPipelineDeleted;
import io.pipewright.kernel.dag.DagRunCancelled;
import io.pipewright.kernel.dag.DagRunFailed;
import io.pipewright.kernel.dag.DagRunRequested;
import io.pipewright.kernel.dag.DagRunStarted;
import io.pipewright.kernel.dag.DagRunSucceeded;
import io.pipewright.kernel.dag.DagTask;
import io.pipewright.kernel.dag.DagTaskFailed;
import io.pipewright.kernel.dag.DagTaskSkipped;
import io.pipewright.kernel.dag.DagTaskSucceeded;
import io.pipewright.kernel.dag.RecordDagRunSlaMiss;
import io.pipewright.kernel.dag.ReleaseDagRun;
import io.pipewright.kernel.dag.StartDagRun;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.eventhandling.Timestamp;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.SagaLifecycle;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Drives one run of a DAG pipeline, the part Temporal's workflow plays in the reference: the run is created with the
 * version it pinned; every task whose dependencies all succeeded is queued (at most {@value #MAX_PARALLEL_TASKS} of a
 * run at a time), a failed attempt is queued again at the retry time the run recorded, and once the run ended the
 * pipeline is told (it counts active runs) and a failed run's {@code on_failure} notification is queued. The saga does
 * no external I/O: the attempts run in the {@link DagTaskQueue}'s workers, which record their outcome on the run; so a
 * task that runs for an hour blocks nothing here, and a control plane killed mid-run finds every queued attempt again.
 * The run aggregate, not this saga, decides what failed for good, what is skipped and when the run ended.
 */
@Saga
public class DagRunSaga {

    static final String RUN_ID = "runId";
    static final String PIPELINE_ID = "pipelineId";
    static final String SLA = "dag-run-sla";
    static final String SCHEDULER = "dag-scheduler";
    static final int MAX_PARALLEL_TASKS = 8;

    private static final Logger LOG = LoggerFactory.getLogger(DagRunSaga.class);

    private UUID runId;
    private UUID pipelineId;
    private UUID organizationId;
    private String executionDate;
    private DagDefinition definition;
    /** {@code queued} (in the queue or running), {@code succeeded}, {@code failed}, {@code skipped}; absent: pending. */
    private Map<String, String> states = new HashMap<>();

    @Autowired
    private transient CommandGateway commands;
    @Autowired
    private transient DeadlineManager deadlines;
    @Autowired
    private transient DagTaskQueue queue;

    @StartSaga
    @SagaEventHandler(associationProperty = RUN_ID)
    void on(DagRunRequested requested) {
        runId = requested.runId();
        pipelineId = requested.pipelineId();
        organizationId = requested.organizationId();
        executionDate = requested.executionDate();
        definition = requested.definition();
        SagaLifecycle.associateWith(PIPELINE_ID, pipelineId.toString());
        send(new StartDagRun(runId, pipelineId, organizationId, requested.version(), definition, executionDate,
                requested.trigger()));
    }

    @SagaEventHandler(associationProperty = RUN_ID)
    void on(DagRunStarted started, @Timestamp Instant at) {
        if (definition.slaMinutes() != null) {
            deadlines.schedule(started.at().plus(Duration.ofMinutes(definition.slaMinutes())), SLA,
                    new DagRunDeadline(runId, pipelineId, organizationId));
        }
        queueReadyTasks(at);
    }

    @SagaEventHandler(associationProperty = RUN_ID)
    void on(DagTaskSucceeded succeeded, @Timestamp Instant at) {
        states.put(succeeded.taskId(), "succeeded");
        queueReadyTasks(at);
    }

    /** A retry is queued for the time the run recorded; a task failed for good frees its place for another. */
    @SagaEventHandler(associationProperty = RUN_ID)
    void on(DagTaskFailed failed, @Timestamp Instant at) {
        if (failed.retryAt() != null) {
            definition.task(failed.taskId()).ifPresent(task ->
                    queue.enqueue(attempt(task, failed.attempt() + 1, "running", true), failed.retryAt()));
        } else {
            states.put(failed.taskId(), "failed");
            queueReadyTasks(at);
        }
    }

    @SagaEventHandler(associationProperty = RUN_ID)
    void on(DagTaskSkipped skipped) {
        states.put(skipped.taskId(), "skipped");
    }

    @EndSaga
    @SagaEventHandler(associationProperty = RUN_ID)
    void on(DagRunSucceeded succeeded) {
        release();
    }

    @EndSaga
    @SagaEventHandler(associationProperty = RUN_ID)
    void on(DagRunFailed failed, @Timestamp Instant at) {
        release();
        DagDefinition.FailureNotification onFailure = definition.onFailure();
        if (onFailure != null && definition.kafkaServiceId() != null) {
            DagTask notification = new DagTask("on_failure", DagTask.NOTIFICATION, null, null, List.of(), List.of(),
                    onFailure.channel(), onFailure.message(), 0, 1, 60);
            queue.enqueue(attempt(notification, 1, "failed", false), at);
        }
    }

    @EndSaga
    @SagaEventHandler(associationProperty = RUN_ID)
    void on(DagRunCancelled cancelled) {
        release();
    }

    /** A pipeline deleted with {@code active_runs=cancel} cancels this run; else the run finishes on its version. */
    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(DagPipelineDeleted deleted) {
        if (deleted.activeRunsCancelled() && deleted.activeRuns().contains(runId)) {
            send(new CancelDagRun(runId, "the pipeline was deleted"));
        }
    }

    @DeadlineHandler(deadlineName = SLA)
    void slaPassed() {
        send(new RecordDagRunSlaMiss(runId));
    }

    private void queueReadyTasks(Instant now) {
        long active = states.values().stream().filter("queued"::equals).count();
        for (DagTask task : definition.tasks()) {
            if (active >= MAX_PARALLEL_TASKS) {
                return;
            }
            if (!states.containsKey(task.id()) && task.dependsOn().stream()
                    .allMatch(dependency -> "succeeded".equals(states.get(dependency)))) {
                states.put(task.id(), "queued");
                active++;
                queue.enqueue(attempt(task, 1, "running", true), now);
            }
        }
    }

    private DagTaskQueue.QueuedAttempt attempt(DagTask task, int attempt, String runStatus, boolean recordedOnRun) {
        List<String> upstreamOutputs = task.dependsOn().stream().map(definition::task)
                .flatMap(Optional::stream).map(DagTask::output).filter(output -> output != null).toList();
        return new DagTaskQueue.QueuedAttempt(runId, pipelineId, organizationId, definition.name(), executionDate,
                task, attempt, upstreamOutputs, definition.postgresServiceId(), definition.database(),
                definition.kafkaServiceId(), runStatus, recordedOnRun);
    }

    private void release() {
        deadlines.cancelAllWithinScope(SLA);
        send(new ReleaseDagRun(pipelineId, runId));
    }

    private void send(Object command) {
        try {
            commands.sendAndWait(GenericCommandMessage.asCommandMessage(command)
                    .andMetaData(MessageMetadata.of(SCHEDULER, organizationId)));
        } catch (CommandRefused refused) {
            LOG.info("Run {} of DAG pipeline {}: {} refused: {}", runId, pipelineId,
                    command.getClass().getSimpleName(), refused.getMessage());
        }
    }
}
