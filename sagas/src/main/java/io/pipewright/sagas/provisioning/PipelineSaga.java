package io.pipewright.sagas.provisioning;

import io.pipewright.kernel.MessageMetadata;
import io.pipewright.kernel.CommandRefused;
import io.pipewright.sagas.Backoff;
import io.pipewright.kernel.pipeline.CompleteProvisionStep;
import io.pipewright.kernel.pipeline.CompleteProvisioning;
import io.pipewright.kernel.pipeline.CompleteRepointing;
import io.pipewright.kernel.pipeline.ConnectorHealthChanged;
import io.pipewright.kernel.pipeline.ConnectorRepointed;
import io.pipewright.kernel.pipeline.FailoverDetected;
import io.pipewright.kernel.pipeline.ConnectorRestarted;
import io.pipewright.kernel.pipeline.PauseCause;
import io.pipewright.kernel.pipeline.PausedConnectorFoundRunning;
import io.pipewright.kernel.pipeline.PipelinePaused;
import io.pipewright.kernel.pipeline.PipelineResumed;
import io.pipewright.kernel.pipeline.RecordConnectorHealth;
import io.pipewright.kernel.pipeline.RestartConnector;
import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.pipeline.TeardownStepCompleted;
import io.pipewright.kernel.pipeline.PipelineDeleted;
import io.pipewright.kernel.pipeline.CompletePipelineDeletion;
import io.pipewright.kernel.pipeline.CompleteTeardownStep;
import io.pipewright.kernel.pipeline.ConnectorCreated;
import io.pipewright.kernel.pipeline.ConnectorHealth;
import io.pipewright.kernel.pipeline.FailPipeline;
import io.pipewright.kernel.pipeline.PeeringEnsured;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.PipelineCreated;
import io.pipewright.kernel.pipeline.PipelineDeletionRequested;
import io.pipewright.kernel.pipeline.PipelineFailed;
import io.pipewright.kernel.pipeline.PipelineRunning;
import io.pipewright.kernel.pipeline.PluginInstalled;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.kernel.pipeline.ProvisionStepStarted;
import io.pipewright.kernel.pipeline.PublicationCreated;
import io.pipewright.kernel.pipeline.SourcePrepared;
import io.pipewright.kernel.pipeline.StartProvisionStep;
import io.pipewright.kernel.service.ManagedServiceStatusChanged;
import io.pipewright.sagas.tenancy.ExternalWorkGate;
import io.pipewright.sagas.tenancy.GatedCall;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.annotation.DeadlineHandler;
import org.axonframework.modelling.saga.EndSaga;
import org.axonframework.modelling.saga.SagaLifecycle;
import org.axonframework.modelling.saga.SagaEventHandler;
import org.axonframework.modelling.saga.StartSaga;
import org.axonframework.spring.stereotype.Saga;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The reconciler of one pipeline, as the reference lists it. Provisioning: wait until both services run, then
 * ensure_network, install_plugin, prepare_source, create_publication, create_connector, each to completion, then
 * Running. Delete, from any state: remove the connector (offsets, slot), the publication, the role and its pg_hba
 * entry, then Deleted. Steps run in durable deadlines, so a control plane killed inside one runs it again after its
 * restart; the steps are idempotent, so running one twice creates or removes nothing twice. One saga per pipeline
 * handles both, one message at a time, so a teardown never overlaps a step still in flight. A deadline killed after
 * its command was recorded and before the saga's progress was stored runs again; the aggregate ignores or refuses the
 * repeat, and a refusal ends the handler.
 * Once provisioned it keeps the connector as the pipeline wants it: paused or resumed on request, restarted with
 * backoff when it or a task failed (Failed after {@value #RESTART_ATTEMPTS} attempts), re-pointed after a failover.
 * Every call to the pipeline's services happens in a deadline that retries, admitted by the {@link ExternalWorkGate}
 * (one work of this pipeline at a time across control-plane nodes, a bounded number per organization and service, none
 * but the teardown once deletion was requested), and outside any control-plane transaction: the deadlines run without
 * one, and only what a call found is recorded, in short transactions.
 */
@Saga
public class PipelineSaga {

    static final String PIPELINE_ID = "pipelineId";
    /** Who the audit trail names for what this saga decides. */
    static final String ACTOR = MessageMetadata.ACTOR;
    static final String RECONCILER = "reconciler";
    static final String CHECK_SERVICES = "check-services";
    static final String RUN_STEP = "run-step";
    static final String FINISH_PROVISIONING = "finish-provisioning";
    static final String TEAR_DOWN = "tear-down";
    static final String APPLY_DESIRED_STATE = "apply-desired-state";
    static final String HEAL_CONNECTOR = "heal-connector";
    static final String REPOINT_CONNECTOR = "repoint-connector";
    static final int RESTART_ATTEMPTS = 5;
    static final int REPOINT_ATTEMPTS = 10;
    static final Duration MAX_RESTART_BACKOFF = Duration.ofSeconds(60);
    /** A connector that ran this long since its last restart starts its next failure with a fresh restart budget. */
    static final Duration STABLE_AFTER = Duration.ofMinutes(10);
    static final int STEP_ATTEMPTS = 8;
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    static final String SERVICE_ID = "serviceId";

    private static final Logger LOG = LoggerFactory.getLogger(PipelineSaga.class);

    private UUID pipelineId;
    private UUID organizationId;
    private String name;
    private PipelineConfig config;
    private UUID sourceServiceId;
    private UUID sinkServiceId;
    private ProvisionStep step;
    private int attempts;
    private int tornDown;
    private boolean pauseRequested;
    private int restarts;
    private Instant lastRestartAt;
    private SourceNode failingOverTo;
    private int repointAttempts;
    private boolean deleting;
    private boolean waitingForServices;

    @Autowired
    private transient CommandGateway commands;
    @Autowired
    private transient DeadlineManager deadlines;
    @Autowired
    private transient ServiceDirectory services;
    @Autowired
    private transient ProvisioningSteps steps;
    @Autowired
    private transient ConnectorControl connector;
    @Autowired
    private transient ExternalWorkGate gate;

    @StartSaga
    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(PipelineCreated created) {
        pipelineId = created.pipelineId();
        organizationId = created.organizationId();
        name = created.name();
        config = created.config();
        sourceServiceId = created.sourceServiceId();
        sinkServiceId = created.sinkServiceId();
        pauseRequested = created.paused();
        waitingForServices = true;
        SagaLifecycle.associateWith(SERVICE_ID, sourceServiceId.toString());
        SagaLifecycle.associateWith(SERVICE_ID, sinkServiceId.toString());
        if (servicesDecide()) {
            schedule(Duration.ZERO, CHECK_SERVICES);
        }
    }

    /**
     * A service of a pipeline that waits for them changed: look again now, in a deadline of its own, so that a service
     * that thousands of pipelines wait for wakes each in its own short transaction, not all in this one.
     */
    @SagaEventHandler(associationProperty = SERVICE_ID)
    void on(ManagedServiceStatusChanged changed) {
        if (waitingForServices) {
            deadlines.cancelAllWithinScope(CHECK_SERVICES);
            schedule(Duration.ZERO, CHECK_SERVICES);
        }
    }

    /**
     * Starts provisioning once both services run, fails the pipeline when they never can; otherwise it waits, without
     * polling, for the next status change of either service (the saga is associated with both), which is the only
     * thing that can change the answer. Runs in a deadline, so the command it sends has a unit of work of its own and
     * a failure is retried.
     */
    @DeadlineHandler(deadlineName = CHECK_SERVICES)
    void checkServices() {
        decision().ifPresent(this::send);
    }

    /**
     * Whether the services already decide the pipeline's fate (both run, or they never can): only then does a new
     * pipeline need its check deadline, so a Pending one costs no deadline at all. A read of the services' own event
     * streams in the control plane's database; when it fails, the answer is yes, and the deadline reads again.
     */
    private boolean servicesDecide() {
        try {
            return decision().isPresent();
        } catch (RuntimeException unreadable) {
            LOG.warn("Pipeline {} could not read its services yet, checking again in a deadline: {}", pipelineId,
                    unreadable.toString());
            return true;
        }
    }

    /** The command the services' states call for now: start the first step, fail the pipeline, or none (wait). */
    private Optional<Object> decision() {
        Optional<ServiceRecord> source = services.find(sourceServiceId);
        Optional<ServiceRecord> sink = services.find(sinkServiceId);
        if (source.isEmpty() || sink.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> problem = Preconditions.terminalProblem(source.get(), sink.get());
        if (problem.isPresent()) {
            return Optional.of(new FailPipeline(pipelineId, problem.get()));
        }
        if (Preconditions.ready(source.get(), sink.get())) {
            return Optional.of(new StartProvisionStep(pipelineId, ProvisionStep.first()));
        }
        return Optional.empty();
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(ProvisionStepStarted started) {
        stopWaitingForServices();
        step = started.step();
        attempts = 0;
        schedule(Duration.ZERO, RUN_STEP);
    }

    @DeadlineHandler(deadlineName = RUN_STEP)
    void runStep() {
        if (!deleting) {
            callOut(RUN_STEP, false, this::convergeStep);
        }
    }

    private void convergeStep() {
        try {
            String resource = steps.of(step).converge(spec());
            LOG.info("Pipeline {} completed step {}", pipelineId, step.wireName());
            send(new CompleteProvisionStep(pipelineId, step, resource));
        } catch (StepFailed failed) {
            LOG.warn("Pipeline {} failed at step {}: {}", pipelineId, step.wireName(), failed.getMessage());
            send(new FailPipeline(pipelineId, step.wireName() + ": " + failed.getMessage()));
        } catch (RuntimeException transientFailure) {
            attempts++;
            LOG.warn("Step {} of pipeline {} failed (attempt {} of {}): {}", step.wireName(), pipelineId, attempts,
                    STEP_ATTEMPTS, transientFailure.toString());
            if (attempts >= STEP_ATTEMPTS) {
                send(new FailPipeline(pipelineId, step.wireName() + " failed " + attempts + " times; last error: "
                        + describe(transientFailure)));
            } else {
                schedule(Backoff.exponential(attempts, MAX_BACKOFF), RUN_STEP);
            }
        }
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(PeeringEnsured done) {
        advanceAfter(ProvisionStep.ENSURE_NETWORK);
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(PluginInstalled done) {
        advanceAfter(ProvisionStep.INSTALL_PLUGIN);
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(SourcePrepared done) {
        advanceAfter(ProvisionStep.PREPARE_SOURCE);
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(PublicationCreated done) {
        advanceAfter(ProvisionStep.CREATE_PUBLICATION);
    }

    /** What the new connector reports is read in a deadline like any other call to the worker, never here. */
    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(ConnectorCreated done) {
        attempts = 0;
        schedule(Duration.ZERO, FINISH_PROVISIONING);
    }

    @DeadlineHandler(deadlineName = FINISH_PROVISIONING)
    void finishProvisioning() {
        if (!deleting) {
            callOut(FINISH_PROVISIONING, false, this::recordConnectorOnceRunning);
        }
    }

    private void recordConnectorOnceRunning() {
        try {
            ConnectorControl.ConnectorStatus status = connector.observe(spec());
            send(new CompleteProvisioning(pipelineId, status.state(), status.tasks()));
        } catch (RuntimeException transientFailure) {
            attempts++;
            LOG.warn("Reading the new connector of pipeline {} failed (attempt {} of {}): {}", pipelineId, attempts,
                    STEP_ATTEMPTS, transientFailure.toString());
            if (attempts >= STEP_ATTEMPTS) {
                send(new FailPipeline(pipelineId, ProvisionStep.CREATE_CONNECTOR.wireName() + ": the connector's "
                        + "state could not be read " + attempts + " times; last error: " + describe(transientFailure)));
            } else {
                schedule(Backoff.exponential(attempts, MAX_BACKOFF), FINISH_PROVISIONING);
            }
        }
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(PipelineRunning running) {
        cancelProvisioning();
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(PipelinePaused paused) {
        cancelProvisioning();
        if (paused.cause() == PauseCause.REQUESTED) {
            pauseRequested = true;
            applyDesiredStateNow();
        }
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(PipelineResumed resumed) {
        pauseRequested = false;
        if (resumed.cause() == PauseCause.REQUESTED) {
            applyDesiredStateNow();
        }
    }

    @DeadlineHandler(deadlineName = APPLY_DESIRED_STATE)
    void applyDesiredState() {
        if (!deleting) {
            callOut(APPLY_DESIRED_STATE, false, this::pauseOrResumeConnector);
        }
    }

    private void pauseOrResumeConnector() {
        try {
            ConnectorControl.ConnectorStatus status = connector.applyDesiredState(spec());
            send(new RecordConnectorHealth(pipelineId, status.state(), status.tasks(), status.errorMessage(),
                    status.observedAt()));
            if (status.healthy() && !status.inDesiredState(pauseRequested)) {
                // Changed again on the worker while this one took effect, e.g. resumed there: apply it once more.
                attempts++;
                schedule(Backoff.exponential(attempts, MAX_BACKOFF), APPLY_DESIRED_STATE);
            } else {
                attempts = 0;
            }
        } catch (RuntimeException transientFailure) {
            attempts++;
            LOG.warn("Could not {} the connector of pipeline {} (attempt {}), retrying: {}",
                    pauseRequested ? "pause" : "resume", pipelineId, attempts, transientFailure.toString());
            schedule(Backoff.exponential(attempts, MAX_BACKOFF), APPLY_DESIRED_STATE);
        }
    }

    /** A pipeline paused through Pipewright keeps its connector paused, even if someone resumes it on the worker. */
    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(ConnectorHealthChanged changed) {
        if (changed.healthy()) {
            deadlines.cancelAllWithinScope(HEAL_CONNECTOR);
            if (pauseRequested && !ConnectorHealth.PAUSED.equals(changed.connectorState())) {
                applyDesiredStateNow();
            }
        } else if (failingOverTo == null) {
            if (lastRestartAt != null && !changed.at().isBefore(lastRestartAt.plus(STABLE_AFTER))) {
                restarts = 0;
            }
            deadlines.cancelAllWithinScope(HEAL_CONNECTOR);
            schedule(Backoff.exponential(restarts + 2, MAX_RESTART_BACKOFF), HEAL_CONNECTOR);
        }
    }

    /**
     * A task that fails again soon after each restart (it runs for a moment, then fails) spends one budget; only a
     * connector that stayed up for {@link #STABLE_AFTER} starts afresh.
     */
    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(ConnectorRestarted restarted) {
        lastRestartAt = restarted.at();
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(PausedConnectorFoundRunning found) {
        if (pauseRequested) {
            applyDesiredStateNow();
        }
    }

    /** Looks again first: what failed may have recovered, or been restarted by someone else, meanwhile. */
    @DeadlineHandler(deadlineName = HEAL_CONNECTOR)
    void healConnector() {
        if (!deleting) {
            callOut(HEAL_CONNECTOR, false, this::restartUnlessRecovered);
        }
    }

    private void restartUnlessRecovered() {
        PipelineSpec pipeline;
        ConnectorControl.ConnectorStatus status;
        try {
            pipeline = spec();
            status = connector.observe(pipeline);
        } catch (RuntimeException transientFailure) {
            LOG.warn("Reading the connector of pipeline {} failed, looking again: {}", pipelineId,
                    transientFailure.toString());
            schedule(Backoff.exponential(restarts + 2, MAX_RESTART_BACKOFF), HEAL_CONNECTOR);
            return;
        }
        if (status.healthy()) {
            send(new RecordConnectorHealth(pipelineId, status.state(), status.tasks(), null, status.observedAt()));
            return;
        }
        if (restarts >= RESTART_ATTEMPTS) {
            send(new FailPipeline(pipelineId, "connector task failed: " + status.errorMessage()));
            return;
        }
        restarts++;
        try {
            connector.restartFailed(pipeline);
            send(new RestartConnector(pipelineId, restarts));
        } catch (StepFailed cannotSucceed) {
            send(new FailPipeline(pipelineId, cannotSucceed.getMessage()));
            return;
        } catch (RuntimeException transientFailure) {
            LOG.warn("Restarting the connector of pipeline {} failed (attempt {}): {}", pipelineId, restarts,
                    transientFailure.toString());
        }
        schedule(Backoff.exponential(restarts + 2, MAX_RESTART_BACKOFF), HEAL_CONNECTOR);
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(FailoverDetected failover) {
        failingOverTo = failover.to();
        repointAttempts = 0;
        deadlines.cancelAllWithinScope(HEAL_CONNECTOR);
        deadlines.cancelAllWithinScope(REPOINT_CONNECTOR);
        schedule(Duration.ZERO, REPOINT_CONNECTOR);
    }

    @DeadlineHandler(deadlineName = REPOINT_CONNECTOR)
    void repointConnector() {
        if (!deleting) {
            callOut(REPOINT_CONNECTOR, false, this::repointToNewPrimary);
        }
    }

    private void repointToNewPrimary() {
        try {
            connector.repoint(spec(), failingOverTo);
            send(new CompleteRepointing(pipelineId, failingOverTo));
        } catch (RuntimeException transientFailure) {
            repointAttempts++;
            LOG.warn("Re-pointing the connector of pipeline {} to {} failed (attempt {} of {}): {}", pipelineId,
                    failingOverTo, repointAttempts, REPOINT_ATTEMPTS, transientFailure.toString());
            if (repointAttempts >= REPOINT_ATTEMPTS) {
                send(new FailPipeline(pipelineId, "source failover to " + failingOverTo + ": the connector could not "
                        + "be re-pointed; last error: " + describe(transientFailure)));
            } else {
                schedule(Backoff.exponential(repointAttempts, MAX_BACKOFF), REPOINT_CONNECTOR);
            }
        }
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(ConnectorRepointed repointed) {
        failingOverTo = null;
        restarts = 0;
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(PipelineFailed failed) {
        cancelProvisioning();
        cancelOperation();
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(PipelineDeletionRequested deletion) {
        deleting = true;
        cancelProvisioning();
        cancelOperation();
        tornDown = 0;
        attempts = 0;
        schedule(Duration.ZERO, TEAR_DOWN);
    }

    @DeadlineHandler(deadlineName = TEAR_DOWN)
    void tearDown() {
        callOut(TEAR_DOWN, true, this::removeNextResource);
    }

    private void removeNextResource() {
        ProvisionStep removing = ProvisionStep.TEARDOWN.get(tornDown);
        try {
            if (wasStarted(removing)) {
                steps.of(removing).remove(spec());
            }
            send(new CompleteTeardownStep(pipelineId, removing));
        } catch (RuntimeException transientFailure) {
            attempts++;
            LOG.warn("Removing {} of pipeline {} failed (attempt {}), retrying: {}", removing.wireName(), pipelineId,
                    attempts, transientFailure.toString());
            schedule(Backoff.exponential(attempts, MAX_BACKOFF), TEAR_DOWN);
        }
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(TeardownStepCompleted removed) {
        tornDown = ProvisionStep.TEARDOWN.indexOf(removed.step()) + 1;
        attempts = 0;
        if (tornDown < ProvisionStep.TEARDOWN.size()) {
            schedule(Duration.ZERO, TEAR_DOWN);
        } else {
            send(new CompletePipelineDeletion(pipelineId));
        }
    }

    @EndSaga
    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(PipelineDeleted deleted) {
        deadlines.cancelAllWithinScope(TEAR_DOWN);
    }

    /**
     * Runs the call when the gate admits it. When the pipeline has other work in flight, or its organization or a
     * service has as much as it may, this deadline comes again shortly; once deletion was requested, only the teardown
     * runs.
     */
    /**
     * Every deadline names its pipeline and organization ({@link PipelineDeadline}), so what runs in it, and what it
     * sends, is logged under both however the saga was woken (a service's status change, a health check).
     */
    private void schedule(Duration after, String deadline) {
        deadlines.schedule(after, deadline, new PipelineDeadline(pipelineId, organizationId));
    }

    private void callOut(String deadline, boolean teardown, Runnable call) {
        ExternalWorkGate.Work work = new ExternalWorkGate.Work(pipelineId,
                organizationId != null ? organizationId : pipelineId, List.of(sourceServiceId, sinkServiceId),
                teardown);
        ExternalWorkGate.Admission admission = GatedCall.run(gate, work, call);
        if (admission instanceof ExternalWorkGate.Busy busy) {
            LOG.debug("Pipeline {} waits before {}: {}", pipelineId, deadline, busy.reason());
            schedule(busy.retryAfter(), deadline);
        } else if (admission instanceof ExternalWorkGate.SubjectDeleted) {
            LOG.info("Pipeline {} is being deleted: {} dropped", pipelineId, deadline);
        }
    }

    /** A step that never started created nothing: there is nothing of it to look for, maybe on a sink that never ran. */
    private boolean wasStarted(ProvisionStep provisionStep) {
        return step != null && provisionStep.ordinal() <= step.ordinal();
    }

    private void advanceAfter(ProvisionStep completed) {
        completed.next().ifPresent(next -> send(new StartProvisionStep(pipelineId, next)));
    }

    private PipelineSpec spec() {
        return new PipelineSpec(pipelineId, name, config, required(sourceServiceId), required(sinkServiceId),
                pauseRequested);
    }

    private ServiceRecord required(UUID serviceId) {
        return services.find(serviceId).orElseThrow(() -> new IllegalStateException(
                "service " + serviceId + " is not in the service directory yet"));
    }

    /** A refusal means the pipeline moved on (deleted, failed meanwhile): nothing left for this saga to do. */
    private void send(Object command) {
        try {
            commands.sendAndWait(GenericCommandMessage.asCommandMessage(command)
                    .andMetaData(MessageMetadata.of(RECONCILER, organizationId)));
        } catch (CommandRefused refused) {
            LOG.info("Pipeline {} refused {}: {}", pipelineId, command.getClass().getSimpleName(),
                    refused.getMessage());
        }
    }

    /** Once provisioning started (or the pipeline failed or is being deleted), its services' changes are not news. */
    private void stopWaitingForServices() {
        if (waitingForServices) {
            waitingForServices = false;
            SagaLifecycle.removeAssociationWith(SERVICE_ID, sourceServiceId.toString());
            SagaLifecycle.removeAssociationWith(SERVICE_ID, sinkServiceId.toString());
        }
    }

    private void cancelProvisioning() {
        stopWaitingForServices();
        deadlines.cancelAllWithinScope(CHECK_SERVICES);
        deadlines.cancelAllWithinScope(RUN_STEP);
        deadlines.cancelAllWithinScope(FINISH_PROVISIONING);
    }

    private void applyDesiredStateNow() {
        attempts = 0;
        deadlines.cancelAllWithinScope(APPLY_DESIRED_STATE);
        schedule(Duration.ZERO, APPLY_DESIRED_STATE);
    }

    private void cancelOperation() {
        deadlines.cancelAllWithinScope(APPLY_DESIRED_STATE);
        deadlines.cancelAllWithinScope(HEAL_CONNECTOR);
        deadlines.cancelAllWithinScope(REPOINT_CONNECTOR);
        failingOverTo = null;
    }

    private static String describe(RuntimeException failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }
}
