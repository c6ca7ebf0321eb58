package io.pipewright.app.dag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.TaskDescriptor;
import com.github.kagkarlsson.scheduler.task.helper.CustomTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import io.pipewright.kernel.CommandRefused;
import io.pipewright.kernel.MessageMetadata;
import io.pipewright.kernel.dag.CompleteDagTask;
import io.pipewright.kernel.dag.FailDagTaskAttempt;
import io.pipewright.kernel.dag.StartDagTask;
import io.pipewright.sagas.dag.DagTaskQueue.QueuedAttempt;
import io.pipewright.sagas.dag.DagTaskRunner;
import io.pipewright.sagas.provisioning.ServiceDirectory;
import io.pipewright.sagas.provisioning.ServiceRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The workers of the DAG task queue: db-scheduler runs each queued attempt once across control-plane nodes, and again
 * after a node died while running it (its heartbeat stops, another node revives it). An attempt first starts its task
 * on the run (the run refuses a task that succeeded, was skipped, or a run that ended: a success recorded before a
 * crash never runs again), runs it through the {@link DagTaskRunner} outside any control-plane transaction, and
 * records the outcome. At most {@code pipewright.dags.max-concurrent-attempts} run on a node at once, so long SQL
 * tasks never take every scheduler thread from the sagas' deadlines and the health round; an attempt that finds no
 * place waits a second in the queue.
 */
@Configuration(proxyBeanMethods = false)
class DagTaskAttempts {

    static final TaskDescriptor<String> ATTEMPT = TaskDescriptor.of("dag-task-attempt", String.class);
    static final String WORKER = "dag-worker";
    private static final Logger LOG = LoggerFactory.getLogger(DagTaskAttempts.class);
    private static final Duration NO_PLACE_WAIT = Duration.ofSeconds(1);

    @Bean
    CustomTask<String> dagTaskAttemptTask(DagTaskRunner runner, ServiceDirectory services, CommandGateway commands,
                                          ObjectMapper json,
                                          @Value("${pipewright.dags.max-concurrent-attempts:4}") int concurrent) {
        Semaphore places = new Semaphore(concurrent);
        return Tasks.custom(ATTEMPT).execute((instance, context) -> {
            if (!places.tryAcquire()) {
                return (complete, operations) -> operations.reschedule(complete, Instant.now().plus(NO_PLACE_WAIT));
            }
            try {
                run(read(json, instance.getData()), runner, services, commands);
            } finally {
                places.release();
            }
            return new CompletionHandler.OnCompleteRemove<>();
        });
    }

    private static void run(QueuedAttempt queued, DagTaskRunner runner, ServiceDirectory services,
                            CommandGateway commands) {
        try (MDC.MDCCloseable pipeline = MDC.putCloseable(MessageMetadata.PIPELINE_ID, queued.pipelineId().toString());
             MDC.MDCCloseable organization = MDC.putCloseable(MessageMetadata.ORGANIZATION_ID,
                     String.valueOf(queued.organizationId()))) {
            String taskId = queued.task().id();
            if (queued.recordedOnRun() && !Boolean.TRUE.equals(send(commands, queued,
                    new StartDagTask(queued.runId(), taskId, queued.attempt())))) {
                LOG.info("Run {}: task {} attempt {} not started (done, skipped or the run ended)", queued.runId(),
                        taskId, queued.attempt());
                return;
            }
            DagTaskRunner.Outcome outcome = attempt(queued, runner, services);
            if (!queued.recordedOnRun()) {
                LOG.info("Run {}: {} of pipeline {} {}", queued.runId(), taskId, queued.pipelineName(),
                        outcome instanceof DagTaskRunner.Failed failed ? "failed: " + failed.error() : "sent");
            } else if (outcome instanceof DagTaskRunner.Succeeded succeeded) {
                send(commands, queued, new CompleteDagTask(queued.runId(), taskId, queued.attempt(),
                        succeeded.rowsWritten(), succeeded.checks()));
            } else if (outcome instanceof DagTaskRunner.Failed failed) {
                send(commands, queued, new FailDagTaskAttempt(queued.runId(), taskId, queued.attempt(),
                        failed.error(), failed.retryable(), failed.checks()));
            }
        }
    }

    /** A service deregistered since the pipeline was defined fails the attempt for good; anything unexpected may pass. */
    private static DagTaskRunner.Outcome attempt(QueuedAttempt queued, DagTaskRunner runner,
                                                 ServiceDirectory services) {
        ServiceRecord postgres = find(services, queued.postgresServiceId());
        ServiceRecord kafka = find(services, queued.kafkaServiceId());
        if (queued.postgresServiceId() != null && postgres == null || queued.kafkaServiceId() != null && kafka == null) {
            return new DagTaskRunner.Failed("a service of the pipeline is no longer registered", false, List.of());
        }
        try {
            return runner.run(new DagTaskRunner.Attempt(queued.pipelineId(), queued.pipelineName(), queued.runId(),
                    queued.executionDate(), queued.task(), queued.attempt(), queued.upstreamOutputs(), postgres,
                    queued.database(), kafka, queued.runStatus(), Duration.ofSeconds(queued.task().timeoutSeconds())));
        } catch (RuntimeException unexpected) {
            LOG.warn("Run {}: task {} attempt {} ended unexpectedly", queued.runId(), queued.task().id(),
                    queued.attempt(), unexpected);
            return new DagTaskRunner.Failed("the task ended unexpectedly: " + unexpected.getClass().getSimpleName(),
                    true, List.of());
        }
    }

    private static ServiceRecord find(ServiceDirectory services, UUID serviceId) {
        return serviceId == null ? null : services.find(serviceId).orElse(null);
    }

    private static Object send(CommandGateway commands, QueuedAttempt queued, Object command) {
        try {
            return commands.sendAndWait(GenericCommandMessage.asCommandMessage(command)
                    .andMetaData(MessageMetadata.of(WORKER, queued.organizationId())));
        } catch (CommandRefused refused) {
            LOG.info("Run {}: {} refused: {}", queued.runId(), command.getClass().getSimpleName(),
                    refused.getMessage());
            return null;
        }
    }

    static String write(ObjectMapper json, QueuedAttempt attempt) {
        try {
            return json.writeValueAsString(attempt);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a queued attempt could not be written", e);
        }
    }

    private static QueuedAttempt read(ObjectMapper json, String data) {
        try {
            return json.readValue(data, QueuedAttempt.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a queued attempt could not be read", e);
        }
    }
}
