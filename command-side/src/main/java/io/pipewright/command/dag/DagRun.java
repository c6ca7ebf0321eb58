package io.pipewright.command.dag;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import io.pipewright.kernel.CommandRefused;
import io.pipewright.kernel.dag.CancelDagRun;
import io.pipewright.kernel.dag.CompleteDagTask;
import io.pipewright.kernel.dag.DagDefinition;
import io.pipewright.kernel.dag.DagRunCancelled;
import io.pipewright.kernel.dag.DagRunFailed;
import io.pipewright.kernel.dag.DagRunSlaMissed;
import io.pipewright.kernel.dag.DagRunStarted;
import io.pipewright.kernel.dag.DagRunSucceeded;
import io.pipewright.kernel.dag.DagTask;
import io.pipewright.kernel.dag.DagTaskFailed;
import io.pipewright.kernel.dag.DagTaskSkipped;
import io.pipewright.kernel.dag.DagTaskStarted;
import io.pipewright.kernel.dag.DagTaskSucceeded;
import io.pipewright.kernel.dag.FailDagTaskAttempt;
import io.pipewright.kernel.dag.RecordDagRunSlaMiss;
import io.pipewright.kernel.dag.StartDagRun;
import io.pipewright.kernel.dag.StartDagTask;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * One run of a DAG pipeline, with the definition it pinned: which task may start, which attempt counts, when a failed
 * attempt is retried, which tasks a failure skips, and when the run ends. A task starts only once every dependency
 * succeeded; only the current attempt's result counts (a late result of an earlier attempt is ignored). A task that
 * failed for good skips every task downstream of it; independent branches go on. The run ends when every task
 * succeeded, failed for good or was skipped: failed if any failed, else succeeded. Cancelling ends the run with
 * {@link DagRunCancelled} alone: tasks pending, running or waiting for a retry then are cancelled with it (the view
 * shows them so), and no result of them counts any more.
 */
@Aggregate
public class DagRun {

    enum TaskStatus {
        PENDING, RUNNING, RETRYING, SUCCEEDED, FAILED, SKIPPED;

        boolean terminal() {
            return this == SUCCEEDED || this == FAILED || this == SKIPPED;
        }
    }

    enum RunStatus {
        RUNNING, SUCCEEDED, FAILED, CANCELLED
    }

    @AggregateIdentifier
    private UUID runId;
    private UUID pipelineId;
    private UUID organizationId;
    private DagDefinition definition;
    private RunStatus status;
    private boolean slaMissed;
    private final Map<String, TaskStatus> taskStatus = new HashMap<>();
    /** The number of the last attempt started of each task (0: none yet). */
    private final Map<String, Integer> attempts = new HashMap<>();

    protected DagRun() {
    }

    @CommandHandler
    public DagRun(StartDagRun command, Clock clock) {
        apply(new DagRunStarted(command.runId(), command.pipelineId(), command.organizationId(), command.version(),
                command.definition(), command.executionDate(), command.trigger(), clock.instant()));
    }

    /**
     * Returns false, changing nothing, for a run that ended or a task that succeeded, failed for good or was skipped;
     * true, changing nothing, for the attempt already running (its worker died and another revived it). Refuses a
     * task whose dependencies did not all succeed, or an attempt that is not the next one.
     */
    @CommandHandler
    public boolean handle(StartDagTask command, Clock clock) {
        DagTask task = task(command.taskId());
        TaskStatus current = taskStatus.get(task.id());
        int last = attempts.get(task.id());
        if (status != RunStatus.RUNNING || current.terminal()) {
            return false;
        }
        if (current == TaskStatus.RUNNING && command.attempt() == last) {
            return true;
        }
        List<String> waitingFor = task.dependsOn().stream()
                .filter(dependency -> taskStatus.get(dependency) != TaskStatus.SUCCEEDED).toList();
        if (!waitingFor.isEmpty()) {
            throw CommandRefused.conflict("task " + task.id() + " waits for " + String.join(", ", waitingFor)
                    + " to succeed");
        }
        if (current == TaskStatus.RUNNING || command.attempt() != last + 1) {
            throw CommandRefused.conflict("task " + task.id() + " is " + current.name().toLowerCase()
                    + " after attempt " + last + "; attempt " + command.attempt() + " is not the next one");
        }
        apply(new DagTaskStarted(runId, pipelineId, task.id(), command.attempt(), clock.instant()));
        return true;
    }

    /** Returns whether the result counted: not for a run that ended, nor for an attempt that is not the current one. */
    @CommandHandler
    public boolean handle(CompleteDagTask command, Clock clock) {
        DagTask task = task(command.taskId());
        if (!isCurrentAttempt(task.id(), command.attempt())) {
            return false;
        }
        apply(new DagTaskSucceeded(runId, pipelineId, task.id(), command.attempt(), command.rowsWritten(),
                command.checks(), clock.instant()));
        endIfDone(clock.instant());
        return true;
    }

    /**
     * The attempt failed: retried after the task's backoff (doubled each attempt) while it is retryable and retries
     * are left, else the task failed for good and every task downstream not yet ended is skipped. Returns whether
     * the result counted, as {@link CompleteDagTask} does.
     */
    @CommandHandler
    public boolean handle(FailDagTaskAttempt command, Clock clock) {
        DagTask task = task(command.taskId());
        if (!isCurrentAttempt(task.id(), command.attempt())) {
            return false;
        }
        Instant now = clock.instant();
        boolean retry = command.retryable() && command.attempt() <= task.retries();
        Instant retryAt = retry ? now.plus(backoff(task, command.attempt())) : null;
        apply(new DagTaskFailed(runId, pipelineId, task.id(), command.attempt(), command.error(), command.checks(),
                retryAt, now));
        if (!retry) {
            Set<String> downstream = downstreamOf(task.id());
            for (DagTask dependant : definition.tasks()) {
                if (downstream.contains(dependant.id()) && !taskStatus.get(dependant.id()).terminal()) {
                    apply(new DagTaskSkipped(runId, pipelineId, dependant.id(), "upstream task " + task.id()
                            + " failed", now));
                }
            }
            endIfDone(now);
        }
        return true;
    }

    /** Refuses a run that already ended. */
    @CommandHandler
    public void handle(CancelDagRun command, Clock clock) {
        if (status != RunStatus.RUNNING) {
            throw CommandRefused.conflict("run " + runId + " already ended: " + status.name().toLowerCase());
        }
        apply(new DagRunCancelled(runId, pipelineId, organizationId, command.reason(), clock.instant()));
    }

    /** Recorded once, for a run still active with an SLA; returns whether it was recorded now. */
    @CommandHandler
    public boolean handle(RecordDagRunSlaMiss command, Clock clock) {
        if (status != RunStatus.RUNNING || slaMissed || definition.slaMinutes() == null) {
            return false;
        }
        apply(new DagRunSlaMissed(runId, pipelineId, organizationId, definition.slaMinutes(), clock.instant()));
        return true;
    }

    @EventSourcingHandler
    void on(DagRunStarted event) {
        runId = event.runId();
        pipelineId = event.pipelineId();
        organizationId = event.organizationId();
        definition = event.definition();
        status = RunStatus.RUNNING;
        for (DagTask task : definition.tasks()) {
            taskStatus.put(task.id(), TaskStatus.PENDING);
            attempts.put(task.id(), 0);
        }
    }

    @EventSourcingHandler
    void on(DagTaskStarted event) {
        taskStatus.put(event.taskId(), TaskStatus.RUNNING);
        attempts.put(event.taskId(), event.attempt());
    }

    @EventSourcingHandler
    void on(DagTaskSucceeded event) {
        taskStatus.put(event.taskId(), TaskStatus.SUCCEEDED);
    }

    @EventSourcingHandler
    void on(DagTaskFailed event) {
        taskStatus.put(event.taskId(), event.retryAt() == null ? TaskStatus.FAILED : TaskStatus.RETRYING);
    }

    @EventSourcingHandler
    void on(DagTaskSkipped event) {
        taskStatus.put(event.taskId(), TaskStatus.SKIPPED);
    }

    @EventSourcingHandler
    void on(DagRunSucceeded event) {
        status = RunStatus.SUCCEEDED;
    }

    @EventSourcingHandler
    void on(DagRunFailed event) {
        status = RunStatus.FAILED;
    }

    @EventSourcingHandler
    void on(DagRunCancelled event) {
        status = RunStatus.CANCELLED;
    }

    @EventSourcingHandler
    void on(DagRunSlaMissed event) {
        slaMissed = true;
    }

    private DagTask task(String taskId) {
        return definition.task(taskId).orElseThrow(() -> CommandRefused.notFound("task " + taskId
                + " is not a task of run " + runId));
    }

    private boolean isCurrentAttempt(String taskId, int attempt) {
        return status == RunStatus.RUNNING && taskStatus.get(taskId) == TaskStatus.RUNNING
                && attempts.get(taskId) == attempt;
    }

    /** The wait before the attempt after {@code attempt}: the task's backoff, doubled for each attempt before. */
    static Duration backoff(DagTask task, int attempt) {
        return Duration.ofSeconds(task.retryBackoffSeconds()).multipliedBy(1L << Math.min(attempt - 1, 30));
    }

    /** Every task that depends on {@code taskId}, directly or through others. */
    private Set<String> downstreamOf(String taskId) {
        Set<String> found = new HashSet<>();
        Deque<String> toVisit = new ArrayDeque<>(List.of(taskId));
        while (!toVisit.isEmpty()) {
            String upstream = toVisit.pop();
            for (DagTask candidate : definition.tasks()) {
                if (candidate.dependsOn().contains(upstream) && found.add(candidate.id())) {
                    toVisit.push(candidate.id());
                }
            }
        }
        return found;
    }

    private void endIfDone(Instant now) {
        if (!taskStatus.values().stream().allMatch(TaskStatus::terminal)) {
            return;
        }
        List<String> failed = definition.tasks().stream().map(DagTask::id)
                .filter(id -> taskStatus.get(id) == TaskStatus.FAILED).toList();
        if (failed.isEmpty()) {
            apply(new DagRunSucceeded(runId, pipelineId, organizationId, now));
        } else {
            apply(new DagRunFailed(runId, pipelineId, organizationId, failed, now));
        }
    }
}
