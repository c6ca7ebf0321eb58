package io.pipewright.app.dag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceException;
import com.github.kagkarlsson.scheduler.task.TaskDescriptor;
import com.github.kagkarlsson.scheduler.task.TaskInstanceId;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import io.pipewright.kernel.CommandRefused;
import io.pipewright.kernel.MessageMetadata;
import io.pipewright.kernel.dag.DagPipelineDeleted;
import io.pipewright.kernel.dag.DagSchedule;
import io.pipewright.kernel.dag.DagScheduleConfigured;
import io.pipewright.kernel.dag.TriggerDagRun;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * Cron schedules of DAG pipelines, durable in db-scheduler's table: one row per scheduled pipeline, due at its next
 * due time, picked by exactly one control-plane node. When it fires it asks for a run per due time to run (see
 * {@link DueTimes} for catch-up after downtime), each with a run id derived from the pipeline and the due time, so a
 * due time fired twice (a node died after asking) still gives one run; then it moves the row to the next due time. A
 * due time refused because {@code max_active_runs} runs are active waits in the row and is asked again shortly: runs
 * never overlap beyond the bound, and none is lost. The rows follow the pipelines' events (schedule configured,
 * pipeline deleted); replaying those events sets the same rows again.
 */
@Component
@ProcessingGroup("dag-schedules")
class DagSchedules {

    static final TaskDescriptor<String> SCHEDULE = TaskDescriptor.of("dag-schedule", String.class);
    static final String SCHEDULER = "dag-scheduler";
    private static final Logger LOG = LoggerFactory.getLogger(DagSchedules.class);
    private static final Duration AT_CAPACITY_WAIT = Duration.ofSeconds(30);
    /**
     * A row that is firing right now cannot be moved: db-scheduler refuses to reschedule a picked execution and has no
     * way to say "move it once it completed". The firing only sends commands (at most {@value DueTimes#MAX_CATCH_UP}
     * runs), so it completes within moments and this handler tries again in short steps, five seconds at most; past
     * that the failure reaches the processor's error handler and is logged.
     */
    private static final int RESCHEDULE_ATTEMPTS = 20;
    private static final Duration RESCHEDULE_WAIT = Duration.ofMillis(250);

    /** A row's data: which pipeline, its schedule, and the first due time not yet run. */
    record Scheduled(UUID pipelineId, UUID organizationId, DagSchedule schedule, Instant from) {
    }

    private final SchedulerClient scheduler;
    private final ObjectMapper json;
    private final Clock clock;

    DagSchedules(@Lazy SchedulerClient scheduler, ObjectMapper json, Clock clock) {
        this.scheduler = scheduler;
        this.json = json;
        this.clock = clock;
    }

    @EventHandler
    void on(DagScheduleConfigured configured) {
        TaskInstanceId row = SCHEDULE.instanceId(configured.pipelineId().toString());
        Instant from = configured.schedule().enabled() && configured.schedule().cron() != null
                ? DueTimes.next(configured.schedule(), clock.instant()) : null;
        if (from == null) {
            cancel(row);
            return;
        }
        String data = write(json, new Scheduled(configured.pipelineId(), configured.organizationId(),
                configured.schedule(), from));
        for (int attempt = 1; ; attempt++) {
            try {
                if (scheduler.getScheduledExecution(row).isPresent()) {
                    scheduler.reschedule(row, from, data);
                } else {
                    scheduler.scheduleIfNotExists(SCHEDULE.instance(row.getId()).data(data).build(), from);
                }
                return;
            } catch (TaskInstanceException firingOrGone) {
                if (attempt == RESCHEDULE_ATTEMPTS) {
                    throw firingOrGone;
                }
                pause();
            }
        }
    }

    @EventHandler
    void on(DagPipelineDeleted deleted) {
        cancel(SCHEDULE.instanceId(deleted.pipelineId().toString()));
    }

    private static void pause() {
        try {
            Thread.sleep(RESCHEDULE_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the schedule's row was firing", e);
        }
    }

    private void cancel(TaskInstanceId row) {
        if (scheduler.getScheduledExecution(row).isPresent()) {
            scheduler.cancel(row);
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class Task {

        @Bean
        CustomTask<String> dagScheduleTask(CommandGateway commands, ObjectMapper json, Clock clock) {
            return Tasks.custom(SCHEDULE).execute((instance, context) -> {
                Scheduled scheduled = read(json, instance.getData());
                Instant now = clock.instant();
                for (Instant due : DueTimes.toRun(scheduled.schedule(), scheduled.from(), now)) {
                    if (!runFor(commands, scheduled, due)) {
                        String waiting = write(json, new Scheduled(scheduled.pipelineId(), scheduled.organizationId(),
                                scheduled.schedule(), due));
                        return (complete, operations) -> operations.reschedule(complete,
                                now.plus(AT_CAPACITY_WAIT), waiting);
                    }
                }
                Instant next = DueTimes.next(scheduled.schedule(), now);
                if (next == null) {
                    return new CompletionHandler.OnCompleteRemove<>();
                }
                String moved = write(json, new Scheduled(scheduled.pipelineId(), scheduled.organizationId(),
                        scheduled.schedule(), next));
                return (complete, operations) -> operations.reschedule(complete, next, moved);
            });
        }

        /** True when the due time has its run (now or before); false when it must wait for a place. */
        private static boolean runFor(CommandGateway commands, Scheduled scheduled, Instant due) {
            UUID runId = UUID.nameUUIDFromBytes((scheduled.pipelineId() + "@" + due)
                    .getBytes(StandardCharsets.UTF_8));
            try {
                commands.sendAndWait(GenericCommandMessage.asCommandMessage(new TriggerDagRun(
                                scheduled.pipelineId(), scheduled.organizationId(), runId,
                                DueTimes.executionDate(scheduled.schedule(), due), TriggerDagRun.SCHEDULE, due))
                        .andMetaData(MessageMetadata.of(SCHEDULER, scheduled.organizationId())));
                return true;
            } catch (CommandRefused refused) {
                if (refused.reason() == CommandRefused.Reason.CONFLICT) {
                    LOG.info("DAG pipeline {}: the run due at {} waits: {}", scheduled.pipelineId(), due,
                            refused.getMessage());
                    return false;
                }
                LOG.info("DAG pipeline {}: the run due at {} was refused: {}", scheduled.pipelineId(), due,
                        refused.getMessage());
                return true;
            }
        }
    }

    private static String write(ObjectMapper json, Scheduled scheduled) {
        try {
            return json.writeValueAsString(scheduled);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a schedule could not be written", e);
        }
    }

    private static Scheduled read(ObjectMapper json, String data) {
        try {
            return json.readValue(data, Scheduled.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a schedule could not be read", e);
        }
    }
}
