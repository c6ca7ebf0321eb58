package io.pipewright.sagas.provisioning;

import io.pipewright.kernel.MessageMetadata;
import io.pipewright.kernel.CommandRefused;
import io.pipewright.kernel.pipeline.ConnectorHealth;
import io.pipewright.kernel.pipeline.ConnectorHealthChanged;
import io.pipewright.kernel.pipeline.ConnectorRepointed;
import io.pipewright.kernel.pipeline.FailoverDetected;
import io.pipewright.kernel.pipeline.ConnectorRestarted;
import io.pipewright.kernel.pipeline.PauseCause;
import io.pipewright.kernel.pipeline.PausedConnectorFoundRunning;
import io.pipewright.kernel.pipeline.PipelinePaused;
import io.pipewright.kernel.pipeline.PipelineRestartRequested;
import io.pipewright.kernel.pipeline.PipelineResumed;
import io.pipewright.kernel.pipeline.ResumedConnectorFoundPaused;
import io.pipewright.kernel.pipeline.TeardownStepCompleted;
import io.pipewright.kernel.pipeline.PipelineDeleted;
import io.pipewright.kernel.pipeline.ConnectorCreated;
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
import io.pipewright.kernel.service.ManagedServiceStatusChanged;
import io.pipewright.sagas.tenancy.ExternalWorkGate;
import io.pipewright.sagas.tenancy.GatedCall;
import java.time.Duration;
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
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * The reconciler of one pipeline, as the reference lists it: a router over four phases that decide with values
 * ({@link Provisioning}, {@link Operation}, {@link Repointing}, {@link Teardown}). It routes each event to its phase,
 * makes the phase's calls in durable deadlines, and carries out what the phase decided ({@link Action}).
 * <ul>
 *   <li>Provisioning: wait until both services run, then ensure_network, install_plugin, prepare_source,
 *   create_publication, create_connector, each to completion, then Running.</li>
 *   <li>Operation: the connector kept as the pipeline wants it (paused or resumed on request), restarted with backoff
 *   when it or a task failed, for the pipeline's retry window (then Failed, the connector stopped with its slot and
 *   offsets kept); a restart the user asks for re-enters the failed step or resumes the connector, or creates it
 *   again for a re-snapshot.</li>
 *   <li>Repointing: after a failover, the connector re-pointed to the new primary.</li>
 *   <li>Teardown, from any state: the connector (offsets, slot), the publication, the role and its pg_hba entry
 *   removed, then Deleted.</li>
 * </ul>
 * Steps run in durable deadlines, so a control plane killed inside one runs it again after its restart; the steps are
 * idempotent, so running one twice creates or removes nothing twice. One saga per pipeline handles all phases, one
 * message at a time, so a teardown never overlaps a step still in flight. A deadline killed after its command was
 * recorded and before the saga's progress was stored runs again; the aggregate ignores or refuses the repeat, and a
 * refusal ends the handler. Every call to the pipeline's services happens in a deadline, admitted by the
 * {@link ExternalWorkGate} (one work of this pipeline at a time across control-plane nodes, a bounded number per
 * organization and service, none but the teardown once deletion was requested), and outside any control-plane
 * transaction. The services' ports arrive as handler parameters; only the phases' values are stored.
 */
@Saga
public class PipelineSaga {

    static final String PIPELINE_ID = "pipelineId";
    /** Who the audit trail names for what this saga decides. */
    static final String RECONCILER = "reconciler";
    static final String CHECK_SERVICES = "check-services";
    static final String RUN_STEP = "run-step";
    static final String FINISH_PROVISIONING = "finish-provisioning";
    static final String TEAR_DOWN = "tear-down";
    static final String APPLY_DESIRED_STATE = "apply-desired-state";
    static final String HEAL_CONNECTOR = "heal-connector";
    static final String STOP_CONNECTOR = "stop-connector";
    static final String REPOINT_CONNECTOR = "repoint-connector";
    static final String SERVICE_ID = "serviceId";

    private static final Logger LOG = LoggerFactory.getLogger(PipelineSaga.class);

    private UUID pipelineId;
    private UUID organizationId;
    private String name;
    private PipelineConfig config;
    private UUID sourceServiceId;
    private UUID sinkServiceId;
    /** The phases' values, stored flat as the saga's fields were before the phases had classes of their own. */
    @JsonUnwrapped
    private Provisioning provisioning = Provisioning.waitingForServices();
    @JsonUnwrapped
    private Operation operation = Operation.wanting(false);
    @JsonUnwrapped
    private Repointing repointing = new Repointing();
    @JsonUnwrapped
    private Teardown teardown = new Teardown();

    @Autowired
    private transient CommandGateway commands;
    @Autowired
    private transient DeadlineManager deadlines;

    // Provisioning

    @StartSaga
    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(PipelineCreated created, ServiceDirectory services) {
        pipelineId = created.pipelineId();
        organizationId = created.organizationId();
        name = created.name();
        config = created.config();
        sourceServiceId = created.sourceServiceId();
        sinkServiceId = created.sinkServiceId();
        operation = Operation.wanting(created.paused());
        provisioning = Provisioning.waitingForServices();
        SagaLifecycle.associateWith(SERVICE_ID, sourceServiceId.toString());
        SagaLifecycle.associateWith(SERVICE_ID, sinkServiceId.toString());
        if (servicesDecide(services)) {
            schedule(Duration.ZERO, CHECK_SERVICES);
        }
    }

    /**
     * A service of a pipeline that waits for them changed: look again now, in a deadline of its own, so that a service
     * that thousands of pipelines wait for wakes each in its own short transaction, not all in this one.
     */
    @SagaEventHandler(associationProperty = SERVICE_ID)
    void on(ManagedServiceStatusChanged changed) {
        if (provisioning.isWaitingForServices()) {
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
    void checkServices(PipelineDeadline deadline, ServiceDirectory services) {
        onServices(services).ifPresent(this::send);
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(ProvisionStepStarted started) {
        stopWaitingForServices();
        provisioning.started(started.step());
        schedule(Duration.ZERO, RUN_STEP);
    }

    @DeadlineHandler(deadlineName = RUN_STEP)
    void runStep(PipelineDeadline deadline, ServiceDirectory services, ProvisioningSteps steps,
                 ExternalWorkGate gate) {
        if (!teardown.begun()) {
            callOut(gate, RUN_STEP, false, () -> act(convergeStep(services, steps), RUN_STEP));
        }
    }

    /** A re-snapshot removes the connector, its offsets and its slot first, then creates them anew. */
    private Action convergeStep(ServiceDirectory services, ProvisioningSteps steps) {
        ProvisionStep step = provisioning.step();
        try {
            if (operation.resnapshotPending() && step == ProvisionStep.CREATE_CONNECTOR) {
                steps.of(step).remove(spec(services));
                operation.resnapshotRemoved();
                LOG.info("Pipeline {} removed its connector, offsets and slot for a new snapshot", pipelineId);
            }
            String resource = steps.of(step).converge(spec(services));
            LOG.info("Pipeline {} completed step {}", pipelineId, step.wireName());
            return provisioning.converged(pipelineId, resource);
        } catch (StepFailed failed) {
            LOG.warn("Pipeline {} failed at step {}: {}", pipelineId, step.wireName(), failed.getMessage());
            return provisioning.cannotSucceed(pipelineId, failed);
        } catch (RuntimeException transientFailure) {
            Action next = provisioning.failedTransiently(pipelineId, transientFailure);
            LOG.warn("Step {} of pipeline {} failed (attempt {} of {}): {}", step.wireName(), pipelineId,
                    provisioning.attempts(), Provisioning.STEP_ATTEMPTS, transientFailure.toString());
            return next;
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
        provisioning.connectorCreated();
        schedule(Duration.ZERO, FINISH_PROVISIONING);
    }

    @DeadlineHandler(deadlineName = FINISH_PROVISIONING)
    void finishProvisioning(PipelineDeadline deadline, ServiceDirectory services, ConnectorControl connector,
                            ExternalWorkGate gate) {
        if (!teardown.begun()) {
            callOut(gate, FINISH_PROVISIONING, false, () -> act(readNewConnector(services, connector),
                    FINISH_PROVISIONING));
        }
    }

    private Action readNewConnector(ServiceDirectory services, ConnectorControl connector) {
        try {
            return provisioning.connectorRead(pipelineId, connector.observe(spec(services)));
        } catch (RuntimeException transientFailure) {
            Action next = provisioning.connectorUnreadable(pipelineId, transientFailure);
            LOG.warn("Reading the new connector of pipeline {} failed (attempt {} of {}): {}", pipelineId,
                    provisioning.attempts(), Provisioning.STEP_ATTEMPTS, transientFailure.toString());
            return next;
        }
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(PipelineRunning running) {
        cancelProvisioning();
    }

    // Operation

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(PipelinePaused paused) {
        cancelProvisioning();
        if (paused.cause() == PauseCause.REQUESTED) {
            operation.want(true);
            applyDesiredStateNow();
        }
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(PipelineResumed resumed) {
        operation.want(false);
        if (resumed.cause() == PauseCause.REQUESTED) {
            applyDesiredStateNow();
        }
    }

    @DeadlineHandler(deadlineName = APPLY_DESIRED_STATE)
    void applyDesiredState(PipelineDeadline deadline, ServiceDirectory services, ConnectorControl connector,
                           ExternalWorkGate gate) {
        if (!teardown.begun()) {
            callOut(gate, APPLY_DESIRED_STATE, false, () -> act(pauseOrResume(services, connector),
                    APPLY_DESIRED_STATE));
        }
    }

    private Action pauseOrResume(ServiceDirectory services, ConnectorControl connector) {
        try {
            return operation.desiredStateApplied(pipelineId, connector.applyDesiredState(spec(services)));
        } catch (RuntimeException transientFailure) {
            Action next = operation.desiredStateFailed();
            LOG.warn("Could not {} the connector of pipeline {} (attempt {}), retrying: {}",
                    operation.pauseRequested() ? "pause" : "resume", pipelineId, operation.applyAttempts(),
                    transientFailure.toString());
            return next;
        }
    }

    /**
     * A pipeline paused through Pipewright keeps its connector paused, even if someone resumes it on the worker. A
     * worker that does not answer changes nothing here: nothing can be restarted or paused on it, and the retry
     * window neither starts nor ends (the pipeline is degraded, never Failed, for it).
     */
    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(ConnectorHealthChanged changed) {
        if (ConnectorHealth.UNREACHABLE.equals(changed.connectorState())) {
            return;
        }
        if (changed.healthy()) {
            operation.recovered();
            deadlines.cancelAllWithinScope(HEAL_CONNECTOR);
            if (operation.mustPauseAgain(changed.connectorState())) {
                applyDesiredStateNow();
            }
        } else if (!repointing.inProgress()) {
            Duration lookAgain = operation.failedAt(changed.at());
            deadlines.cancelAllWithinScope(HEAL_CONNECTOR);
            schedule(lookAgain, HEAL_CONNECTOR);
        }
    }

    /**
     * A task that fails again soon after each restart (it runs for a moment, then fails) stays in one outage; only a
     * connector that stayed up for {@link Operation#STABLE_AFTER} starts a new one, with a fresh window.
     */
    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(ConnectorRestarted restarted) {
        operation.restartedAt(restarted.at());
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(PausedConnectorFoundRunning found) {
        if (operation.pauseRequested()) {
            applyDesiredStateNow();
        }
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(ResumedConnectorFoundPaused found) {
        if (!operation.pauseRequested()) {
            applyDesiredStateNow();
        }
    }

    /** Looks again first: what failed may have recovered, or been restarted by someone else, meanwhile. */
    @DeadlineHandler(deadlineName = HEAL_CONNECTOR)
    void healConnector(PipelineDeadline deadline, ServiceDirectory services, ConnectorControl connector,
                       ExternalWorkGate gate, HealingPolicy healing) {
        if (!teardown.begun()) {
            callOut(gate, HEAL_CONNECTOR, false, () -> act(restartUnlessRecovered(services, connector,
                    config.retryWindow(healing.retryWindow())), HEAL_CONNECTOR));
        }
    }

    private Action restartUnlessRecovered(ServiceDirectory services, ConnectorControl connector,
                                          Duration retryWindow) {
        PipelineSpec pipeline;
        ConnectorControl.ConnectorStatus status;
        try {
            pipeline = spec(services);
            status = connector.observe(pipeline);
        } catch (RuntimeException transientFailure) {
            LOG.warn("Reading the connector of pipeline {} failed, looking again: {}", pipelineId,
                    transientFailure.toString());
            return Action.lookAgainAfter(operation.nextLook());
        }
        Optional<Action> settled = operation.settle(pipelineId, status, retryWindow);
        if (settled.isPresent()) {
            return settled.get();
        }
        Action restarted = operation.restart(pipelineId, status.observedAt());
        try {
            connector.restartFailed(pipeline);
            LOG.info("Pipeline {} restarted its failed connector (attempt {} of this outage): {}", pipelineId,
                    operation.restarts(), status.errorMessage());
            return restarted;
        } catch (StepFailed cannotSucceed) {
            return Action.send(new FailPipeline(pipelineId, cannotSucceed.getMessage()));
        } catch (RuntimeException transientFailure) {
            LOG.warn("Restarting the connector of pipeline {} failed (attempt {}): {}", pipelineId,
                    operation.restarts(), transientFailure.toString());
            return Action.lookAgainAfter(operation.nextLook());
        }
    }

    /** A pipeline Failed after its retry window keeps its connector, stopped: slot and offsets wait for a restart. */
    @DeadlineHandler(deadlineName = STOP_CONNECTOR)
    void stopConnector(PipelineDeadline deadline, ServiceDirectory services, ConnectorControl connector,
                       ExternalWorkGate gate) {
        if (!teardown.begun()) {
            callOut(gate, STOP_CONNECTOR, false, () -> act(stop(services, connector), STOP_CONNECTOR));
        }
    }

    private Action stop(ServiceDirectory services, ConnectorControl connector) {
        try {
            connector.stop(spec(services));
            LOG.info("Pipeline {} failed: its connector is stopped, its slot and offsets kept", pipelineId);
            return Action.NOTHING;
        } catch (StepFailed notOurs) {
            LOG.warn("Pipeline {} failed and leaves the connector alone: {}", pipelineId, notOurs.getMessage());
            return Action.NOTHING;
        } catch (RuntimeException transientFailure) {
            Action next = operation.stopFailed();
            LOG.warn("Stopping the connector of failed pipeline {} failed, retrying: {}", pipelineId,
                    transientFailure.toString());
            return next;
        }
    }

    /**
     * A restart the user asked for: a step to re-enter follows as {@code ProvisionStepStarted} (and runs there), else
     * the connector is resumed or restarted now, with a fresh retry window.
     */
    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(PipelineRestartRequested requested) {
        deadlines.cancelAllWithinScope(STOP_CONNECTOR);
        deadlines.cancelAllWithinScope(HEAL_CONNECTOR);
        if (operation.restartRequested(requested, provisioning.reached(ProvisionStep.CREATE_CONNECTOR))
                == Operation.Restart.RESUME_CONNECTOR) {
            schedule(Duration.ZERO, HEAL_CONNECTOR);
        }
    }

    // Repointing

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(FailoverDetected failover) {
        repointing.toward(failover.to());
        deadlines.cancelAllWithinScope(HEAL_CONNECTOR);
        deadlines.cancelAllWithinScope(REPOINT_CONNECTOR);
        schedule(Duration.ZERO, REPOINT_CONNECTOR);
    }

    @DeadlineHandler(deadlineName = REPOINT_CONNECTOR)
    void repointConnector(PipelineDeadline deadline, ServiceDirectory services, ConnectorControl connector,
                          ExternalWorkGate gate) {
        if (!teardown.begun()) {
            callOut(gate, REPOINT_CONNECTOR, false, () -> act(repoint(services, connector), REPOINT_CONNECTOR));
        }
    }

    private Action repoint(ServiceDirectory services, ConnectorControl connector) {
        try {
            connector.repoint(spec(services), repointing.target());
            return repointing.repointed(pipelineId);
        } catch (RuntimeException transientFailure) {
            Action next = repointing.failed(pipelineId, transientFailure);
            LOG.warn("Re-pointing the connector of pipeline {} to {} failed (attempt {} of {}): {}", pipelineId,
                    repointing.target(), repointing.attempts(), Repointing.REPOINT_ATTEMPTS,
                    transientFailure.toString());
            return next;
        }
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(ConnectorRepointed repointed) {
        repointing.finish();
        operation.repointed();
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(PipelineFailed failed) {
        cancelProvisioning();
        cancelOperation();
        if (operation.failed(failed.step(), provisioning.reached(ProvisionStep.CREATE_CONNECTOR))) {
            schedule(Duration.ZERO, STOP_CONNECTOR);
        }
    }

    // Teardown

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(PipelineDeletionRequested deletion) {
        teardown.begin();
        cancelProvisioning();
        cancelOperation();
        schedule(Duration.ZERO, TEAR_DOWN);
    }

    @DeadlineHandler(deadlineName = TEAR_DOWN)
    void tearDown(PipelineDeadline deadline, ServiceDirectory services, ProvisioningSteps steps,
                  ExternalWorkGate gate) {
        callOut(gate, TEAR_DOWN, true, () -> act(removeNext(services, steps), TEAR_DOWN));
    }

    private Action removeNext(ServiceDirectory services, ProvisioningSteps steps) {
        ProvisionStep removing = teardown.removing();
        try {
            if (provisioning.reached(removing)) {
                steps.of(removing).remove(spec(services));
            }
            return teardown.removed(pipelineId);
        } catch (RuntimeException transientFailure) {
            Action next = teardown.failed();
            LOG.warn("Removing {} of pipeline {} failed (attempt {}), retrying: {}", removing.wireName(), pipelineId,
                    teardown.attempts(), transientFailure.toString());
            return next;
        }
    }

    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(TeardownStepCompleted removed) {
        act(teardown.stepCompleted(pipelineId, removed.step()), TEAR_DOWN);
    }

    @EndSaga
    @SagaEventHandler(associationProperty = PIPELINE_ID)
    void on(PipelineDeleted deleted) {
        deadlines.cancelAllWithinScope(TEAR_DOWN);
    }

    // Routing

    /**
     * Whether the services already decide the pipeline's fate (both run, or they never can): only then does a new
     * pipeline need its check deadline, so a Pending one costs no deadline at all. A read of the services' own event
     * streams in the control plane's database; when it fails, the answer is yes, and the deadline reads again.
     */
    private boolean servicesDecide(ServiceDirectory services) {
        try {
            return onServices(services).isPresent();
        } catch (RuntimeException unreadable) {
            LOG.warn("Pipeline {} could not read its services yet, checking again in a deadline: {}", pipelineId,
                    unreadable.toString());
            return true;
        }
    }

    private Optional<Object> onServices(ServiceDirectory services) {
        return Provisioning.onServices(pipelineId, services.find(sourceServiceId), services.find(sinkServiceId));
    }

    /** Sends what the phase decided, then schedules the deadline again when it asked to look again. */
    private void act(Action action, String deadline) {
        if (action.command() != null) {
            send(action.command());
        }
        if (action.lookAgainAfter() != null) {
            schedule(action.lookAgainAfter(), deadline);
        }
    }

    /**
     * Every deadline names its pipeline and organization ({@link PipelineDeadline}), so what runs in it, and what it
     * sends, is logged under both however the saga was woken (a service's status change, a health check).
     */
    private void schedule(Duration after, String deadline) {
        deadlines.schedule(after, deadline, new PipelineDeadline(pipelineId, organizationId));
    }

    /**
     * Runs the call when the gate admits it. When the pipeline has other work in flight, or its organization or a
     * service has as much as it may, this deadline comes again shortly; once deletion was requested, only the teardown
     * runs.
     */
    private void callOut(ExternalWorkGate gate, String deadline, boolean isTeardown, Runnable call) {
        ExternalWorkGate.Work work = new ExternalWorkGate.Work(pipelineId,
                organizationId != null ? organizationId : pipelineId, List.of(sourceServiceId, sinkServiceId),
                isTeardown);
        ExternalWorkGate.Admission admission = GatedCall.run(gate, work, call);
        if (admission instanceof ExternalWorkGate.Busy busy) {
            LOG.debug("Pipeline {} waits before {}: {}", pipelineId, deadline, busy.reason());
            schedule(busy.retryAfter(), deadline);
        } else if (admission instanceof ExternalWorkGate.SubjectDeleted) {
            LOG.info("Pipeline {} is being deleted: {} dropped", pipelineId, deadline);
        }
    }

    private void advanceAfter(ProvisionStep completed) {
        provisioning.after(pipelineId, completed).ifPresent(this::send);
    }

    private PipelineSpec spec(ServiceDirectory services) {
        return new PipelineSpec(pipelineId, name, config, required(services, sourceServiceId),
                required(services, sinkServiceId), operation.pauseRequested());
    }

    private static ServiceRecord required(ServiceDirectory services, UUID serviceId) {
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
        if (provisioning.stopWaitingForServices()) {
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
        deadlines.cancelAllWithinScope(APPLY_DESIRED_STATE);
        schedule(Duration.ZERO, APPLY_DESIRED_STATE);
    }

    private void cancelOperation() {
        deadlines.cancelAllWithinScope(APPLY_DESIRED_STATE);
        deadlines.cancelAllWithinScope(HEAL_CONNECTOR);
        deadlines.cancelAllWithinScope(REPOINT_CONNECTOR);
        deadlines.cancelAllWithinScope(STOP_CONNECTOR);
        repointing.finish();
    }
}
