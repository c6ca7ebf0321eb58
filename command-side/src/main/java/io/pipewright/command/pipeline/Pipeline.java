package io.pipewright.command.pipeline;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.markDeleted;

import io.pipewright.kernel.CommandRefused;
import io.pipewright.kernel.pipeline.CompletePipelineDeletion;
import io.pipewright.kernel.pipeline.CompleteProvisionStep;
import io.pipewright.kernel.pipeline.CompleteProvisioning;
import io.pipewright.kernel.pipeline.CompleteRepointing;
import io.pipewright.kernel.pipeline.ConnectorHealth;
import io.pipewright.kernel.pipeline.ConnectorHealthChanged;
import io.pipewright.kernel.pipeline.ConnectorRepointed;
import io.pipewright.kernel.pipeline.ConnectorRestarted;
import io.pipewright.kernel.pipeline.ClearDrift;
import io.pipewright.kernel.pipeline.DataGapDetected;
import io.pipewright.kernel.pipeline.DetectFailover;
import io.pipewright.kernel.pipeline.DriftCleared;
import io.pipewright.kernel.pipeline.DriftDetected;
import io.pipewright.kernel.pipeline.DriftRepaired;
import io.pipewright.kernel.pipeline.RecordDrift;
import io.pipewright.kernel.pipeline.RecordDriftRepair;
import io.pipewright.kernel.pipeline.FailoverDetected;
import io.pipewright.kernel.pipeline.PauseCause;
import io.pipewright.kernel.pipeline.PausedConnectorFoundRunning;
import io.pipewright.kernel.pipeline.RecordConnectorHealth;
import io.pipewright.kernel.pipeline.RecordDataGap;
import io.pipewright.kernel.pipeline.RestartConnector;
import io.pipewright.kernel.pipeline.RestartPipeline;
import io.pipewright.kernel.pipeline.PipelineRestartRequested;
import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.pipeline.TaskState;
import io.pipewright.kernel.pipeline.CompleteTeardownStep;
import io.pipewright.kernel.pipeline.ConnectorCreated;
import io.pipewright.kernel.pipeline.CreatePipeline;
import io.pipewright.kernel.pipeline.DeletePipeline;
import io.pipewright.kernel.pipeline.FailPipeline;
import io.pipewright.kernel.pipeline.PausePipeline;
import io.pipewright.kernel.pipeline.PeeringEnsured;
import io.pipewright.kernel.pipeline.PipelineCreated;
import io.pipewright.kernel.pipeline.PipelineDeleted;
import io.pipewright.kernel.pipeline.PipelineDeletionRequested;
import io.pipewright.kernel.pipeline.PipelineFailed;
import io.pipewright.kernel.pipeline.PipelinePaused;
import io.pipewright.kernel.pipeline.PipelineResumed;
import io.pipewright.kernel.pipeline.PipelineRunning;
import io.pipewright.kernel.pipeline.PipelineStatus;
import io.pipewright.kernel.pipeline.PluginInstalled;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.kernel.pipeline.ProvisionStepStarted;
import io.pipewright.kernel.pipeline.PublicationCreated;
import io.pipewright.kernel.pipeline.ResumePipeline;
import io.pipewright.kernel.pipeline.ResumedConnectorFoundPaused;
import io.pipewright.kernel.pipeline.SourcePrepared;
import io.pipewright.kernel.pipeline.StartProvisionStep;
import io.pipewright.kernel.pipeline.TeardownStepCompleted;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.AggregateMember;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * One CDC pipeline's lifecycle: Pending, Provisioning step by step, Running, Paused, Failed, Deleting, Deleted.
 * Commands that make no sense in the current state are refused; asking for the state it is already in changes nothing.
 * Once provisioned it streams only while both the pipeline and its connector run: paused on request (through
 * Pipewright) or on the worker (through Connect's API), it is Paused. Health observations become events only when the
 * connector's or a task's state changes (or its running ends a resume), and only when they are newer than the last
 * one recorded: a report that was observed before it (a slow health round) is ignored. Pause and resume answer
 * whether they changed anything.
 * A resource found drifted from its desired state is recorded once while the drift stays the same, however many
 * rounds see it, and closed when it is repaired or found as desired again. A data gap (the slot lost) is recorded
 * once and stays open until a restart with a re-snapshot is requested.
 */
@Aggregate
public class Pipeline {

    /** The same words for an absent pipeline and another organization's, so the answer tells nothing apart. */
    public static final String NOT_FOUND = "pipeline not found";


    @AggregateIdentifier
    private UUID pipelineId;
    private UUID organizationId;
    private String name;
    private PipelineStatus status;
    private ProvisionStep provisionStep;
    /** The step a pipeline failed in, while it is Failed; null when it failed after provisioning. */
    private ProvisionStep failedStep;
    private boolean provisionStepDone;
    private final Set<ProvisionStep> tornDown = EnumSet.noneOf(ProvisionStep.class);
    private boolean pauseRequested;
    private boolean connectorPaused;
    /**
     * Resumed through Pipewright before its connector was seen paused, and not seen running since: a paused connector
     * seen now is most likely the pause the user asked for, observed late, not a pause on the worker. (Seen paused
     * before the resume, a paused connector is no change and records nothing.)
     */
    private boolean resumingConnector;
    private String connectorState;
    private List<TaskState> taskStates = List.of();
    private String connectorError;
    private SourceNode failingOverTo;
    private SourceNode repointedTo;
    /** When the connector was last seen in the state recorded: reports observed earlier are outdated. */
    private Instant lastObservedAt;
    /** Drifts detected and neither repaired nor cleared since, by resource. */
    private final Map<String, DriftDetected> openDrifts = new HashMap<>();
    @AggregateMember
    private final OpenDataGap dataGap = new OpenDataGap();

    protected Pipeline() {
    }

    @CommandHandler
    public Pipeline(CreatePipeline command, PipelineRegistry registry, Clock clock) {
        registry.requireServices(command.organizationId(), command.sourceServiceId(), command.sinkServiceId());
        registry.claimName(command.organizationId(), command.name(), command.pipelineId(), command.sourceServiceId(),
                command.sinkServiceId());
        apply(new PipelineCreated(command.pipelineId(), command.organizationId(), command.name(),
                command.pipelineType(), command.sourceServiceId(), command.sinkServiceId(), command.config(),
                command.paused(), clock.instant()));
    }

    @CommandHandler
    public void handle(StartProvisionStep command, Clock clock) {
        if (status == PipelineStatus.PROVISIONING && provisionStep == command.step() && !provisionStepDone) {
            return;
        }
        ProvisionStep expected = expectedNextStep();
        if (expected != command.step()) {
            throw CommandRefused.conflict("pipeline " + name + " is " + describeState() + "; the next step would be "
                    + (expected == null ? "none" : expected.wireName()) + ", not " + command.step().wireName());
        }
        apply(new ProvisionStepStarted(pipelineId, command.step(), clock.instant()));
    }

    @CommandHandler
    public void handle(CompleteProvisionStep command, Clock clock) {
        if (status == PipelineStatus.PROVISIONING && provisionStep == command.step() && provisionStepDone) {
            return;
        }
        if (status != PipelineStatus.PROVISIONING || provisionStep != command.step()) {
            throw CommandRefused.conflict("pipeline " + name + " is " + describeState() + ", so step "
                    + command.step().wireName() + " cannot complete");
        }
        UUID id = pipelineId;
        String resource = command.resource();
        var at = clock.instant();
        apply(switch (command.step()) {
            case ENSURE_NETWORK -> new PeeringEnsured(id, resource, at);
            case INSTALL_PLUGIN -> new PluginInstalled(id, resource, at);
            case PREPARE_SOURCE -> new SourcePrepared(id, resource, at);
            case CREATE_PUBLICATION -> new PublicationCreated(id, resource, at);
            case CREATE_CONNECTOR -> new ConnectorCreated(id, resource, at);
        });
    }

    @CommandHandler
    public void handle(CompleteProvisioning command, Clock clock) {
        if (isProvisioned()) {
            return;
        }
        boolean connectorCreated = status == PipelineStatus.PROVISIONING
                && provisionStep == ProvisionStep.CREATE_CONNECTOR && provisionStepDone;
        if (!connectorCreated) {
            throw CommandRefused.conflict("pipeline " + name + " is " + describeState() + " and cannot run yet");
        }
        if (pauseRequested) {
            apply(new ConnectorHealthChanged(pipelineId, command.connectorState(), command.taskStates(), null,
                    clock.instant()));
            apply(new PipelinePaused(pipelineId, PauseCause.REQUESTED, clock.instant()));
        } else {
            apply(new PipelineRunning(pipelineId, command.connectorState(), command.taskStates(), clock.instant()));
        }
    }

    /**
     * A change seen on the worker. A connector paused or resumed there pauses or resumes the pipeline, unless a user
     * paused it through Pipewright: then it stays Paused and the reconciler pauses the connector again. Likewise, once
     * resumed through Pipewright it stays Running until its connector is seen running: a paused connector seen before
     * (the pause the user asked for, observed late or not yet undone) is resumed again, and the first sight of it
     * running is recorded even when the last recorded state was running too, as it ends the resume. The change is
     * recorded at the time it was observed.
     */
    @CommandHandler
    public void handle(RecordConnectorHealth command, Clock clock) {
        if (!isProvisioned() || (lastObservedAt != null && command.observedAt().isBefore(lastObservedAt))) {
            return;
        }
        boolean confirmsResume = resumingConnector && ConnectorHealth.RUNNING.equals(command.connectorState());
        boolean changed = !Objects.equals(connectorState, command.connectorState())
                || !taskStates.equals(command.taskStates())
                || !Objects.equals(connectorError, command.errorMessage());
        if (!changed && !confirmsResume) {
            if (pauseRequested && ConnectorHealth.RUNNING.equals(command.connectorState())) {
                apply(new PausedConnectorFoundRunning(pipelineId, clock.instant()));
            }
            return;
        }
        apply(new ConnectorHealthChanged(pipelineId, command.connectorState(), command.taskStates(),
                command.errorMessage(), command.observedAt()));
        boolean pausedOnWorker = ConnectorHealth.PAUSED.equals(command.connectorState());
        if (pausedOnWorker && resumingConnector) {
            apply(new ResumedConnectorFoundPaused(pipelineId, clock.instant()));
        } else if (pausedOnWorker && status == PipelineStatus.RUNNING) {
            apply(new PipelinePaused(pipelineId, PauseCause.CONNECTOR, clock.instant()));
        } else if (!pausedOnWorker && connectorPaused && !pauseRequested
                && ConnectorHealth.RUNNING.equals(command.connectorState())) {
            apply(new PipelineResumed(pipelineId, PauseCause.CONNECTOR, clock.instant()));
        }
    }

    @CommandHandler
    public void handle(RestartConnector command, Clock clock) {
        if (!isProvisioned()) {
            throw CommandRefused.conflict("pipeline " + name + " is " + describeState()
                    + "; only a Running or Paused pipeline's connector is restarted");
        }
        apply(new ConnectorRestarted(pipelineId, command.attempt(), clock.instant(), command.nextAttemptAt()));
    }

    /**
     * A restart of a Failed pipeline, or of a degraded one (Running or Paused with a failed connector or task, or being
     * re-pointed): a pipeline that failed in a provisioning step re-enters that step; one whose connector failed gets
     * it resumed on the same slot from its committed offsets (Running again, or Paused when it was paused through
     * Pipewright). {@code resnapshot}: a pipeline that has a connector gets it created again, its offsets and slot
     * dropped first, so the connector snapshots its tables again. A healthy pipeline, one that failed before any step
     * began (its services can never run it), and one being deleted have nothing to restart; one whose worker does not
     * answer has nothing that can be restarted.
     */
    @CommandHandler
    public void handle(RestartPipeline command, Clock clock) {
        requireOrganization(command.organizationId());
        boolean failed = status == PipelineStatus.FAILED;
        if (!failed && ConnectorHealth.UNREACHABLE.equals(connectorState)) {
            throw CommandRefused.conflict("pipeline " + name + " is " + describeState() + " and its Kafka Connect "
                    + "worker does not answer; nothing can be restarted on it: start the worker, its connectors then"
                    + " run again from their offsets");
        }
        boolean gapToHeal = command.resnapshot() && dataGap.isOpen();
        if (!failed && !isDegraded() && !gapToHeal) {
            if (dataGap.isOpen()) {
                throw CommandRefused.conflict("pipeline " + name + " has a data gap, which only a restart with "
                        + "resnapshot heals");
            }
            throw CommandRefused.conflict("pipeline " + name + " is " + describeState() + (isProvisioned()
                    ? " and healthy; only a Failed or degraded pipeline can be restarted"
                    : "; only a Failed or degraded pipeline can be restarted"));
        }
        if (failed && provisionStep == null) {
            throw CommandRefused.conflict("pipeline " + name + " failed before provisioning began, because of its "
                    + "services; nothing of it can be restarted: delete it and create it again");
        }
        ProvisionStep reenter = failed ? failedStep : null;
        if (command.resnapshot() && provisionStep == ProvisionStep.CREATE_CONNECTOR) {
            reenter = ProvisionStep.CREATE_CONNECTOR;
        }
        Instant at = clock.instant();
        apply(new PipelineRestartRequested(pipelineId, command.resnapshot(), status, at));
        if (reenter != null) {
            apply(new ProvisionStepStarted(pipelineId, reenter, at));
        } else if (failed && pauseRequested) {
            apply(new PipelinePaused(pipelineId, PauseCause.REQUESTED, at));
        }
    }

    @CommandHandler
    public void handle(DetectFailover command, Clock clock) {
        boolean known = command.primary().equals(failingOverTo) || command.primary().equals(repointedTo);
        if (!isProvisioned() || known) {
            return;
        }
        apply(new FailoverDetected(pipelineId, command.connectedTo(), command.primary(), clock.instant()));
    }

    /** Ignored once deletion was requested: the teardown removes the connector, nothing is monitored any more. */
    @CommandHandler
    public void handle(CompleteRepointing command, Clock clock) {
        if (failingOverTo == null || isBeingDeleted()) {
            return;
        }
        if (!failingOverTo.equals(command.primary())) {
            throw CommandRefused.conflict("pipeline " + name + " is failing over to " + failingOverTo + ", not "
                    + command.primary());
        }
        apply(new ConnectorRepointed(pipelineId, command.primary(), clock.instant()));
    }

    /**
     * Recorded only for a Running or Paused pipeline, and only when it is not the drift already open for the
     * resource (the same expected and actual state): a drift left as it is under the report policy adds one event.
     */
    @CommandHandler
    public void handle(RecordDrift command) {
        DriftDetected open = openDrifts.get(command.resource());
        boolean repeat = open != null && Objects.equals(open.expected(), command.expected())
                && Objects.equals(open.actual(), command.actual());
        if (!isProvisioned() || repeat) {
            return;
        }
        apply(new DriftDetected(pipelineId, command.resource(), command.expected(), command.actual(),
                command.detectedAt()));
    }

    @CommandHandler
    public void handle(RecordDriftRepair command) {
        if (openDrifts.containsKey(command.resource())) {
            apply(new DriftRepaired(pipelineId, command.resource(), command.repairedAt()));
        }
    }

    @CommandHandler
    public void handle(ClearDrift command) {
        if (openDrifts.containsKey(command.resource())) {
            apply(new DriftCleared(pipelineId, command.resource(), command.clearedAt()));
        }
    }

    /**
     * Recorded for a pipeline whose slot is watched (Running, Paused, or Failed once it may own one), once: a repeat
     * while the gap is open, or an observation made before the last re-snapshot was asked for, changes nothing.
     */
    @CommandHandler
    public void handle(RecordDataGap command) {
        boolean watched = isProvisioned() || status == PipelineStatus.FAILED;
        if (!watched || dataGap.isOpen() || dataGap.healedSince(command.observedAt())) {
            return;
        }
        apply(new DataGapDetected(pipelineId, command.fromLsn(), command.reason(), command.observedAt()));
    }

    @CommandHandler
    public void handle(FailPipeline command, Clock clock) {
        if (status == PipelineStatus.FAILED || isBeingDeleted()) {
            return;
        }
        ProvisionStep failedStep = status == PipelineStatus.PROVISIONING ? provisionStep : null;
        apply(new PipelineFailed(pipelineId, failedStep, command.errorMessage(), clock.instant()));
    }

    /**
     * Returns whether it changed anything: nothing for a pipeline already paused through Pipewright, or created paused
     * and still being provisioned.
     */
    @CommandHandler
    public boolean handle(PausePipeline command, Clock clock) {
        requireOrganization(command.organizationId());
        boolean pausedAlready = status == PipelineStatus.PAUSED || status == PipelineStatus.PENDING
                || status == PipelineStatus.PROVISIONING;
        if (pauseRequested && pausedAlready) {
            return false;
        }
        if (!isProvisioned()) {
            throw CommandRefused.conflict("pipeline " + name + " is " + describeState()
                    + "; only a Running pipeline can be paused");
        }
        apply(new PipelinePaused(pipelineId, PauseCause.REQUESTED, clock.instant()));
        return true;
    }

    /**
     * Resuming a pipeline paused on the worker resumes its connector too: the user asked for it to stream. Returns
     * whether it changed anything: nothing for a Running pipeline.
     */
    @CommandHandler
    public boolean handle(ResumePipeline command, Clock clock) {
        requireOrganization(command.organizationId());
        if (status == PipelineStatus.RUNNING) {
            return false;
        }
        if (status != PipelineStatus.PAUSED) {
            throw CommandRefused.conflict("pipeline " + name + " is " + describeState()
                    + "; only a Paused pipeline can be resumed");
        }
        apply(new PipelineResumed(pipelineId, PauseCause.REQUESTED, clock.instant()));
        return true;
    }

    @CommandHandler
    public void handle(DeletePipeline command, PipelineRegistry registry, Clock clock) {
        requireOrganization(command.organizationId());
        if (isBeingDeleted()) {
            return;
        }
        registry.markDeletionRequested(pipelineId);
        apply(new PipelineDeletionRequested(pipelineId, status, provisionStep, clock.instant()));
    }

    @CommandHandler
    public void handle(CompleteTeardownStep command, Clock clock) {
        if (status != PipelineStatus.DELETING) {
            throw CommandRefused.conflict("pipeline " + name + " is " + describeState()
                    + "; teardown steps run only after deletion was requested");
        }
        if (!tornDown.contains(command.step())) {
            apply(new TeardownStepCompleted(pipelineId, command.step(), clock.instant()));
        }
    }

    @CommandHandler
    public void handle(CompletePipelineDeletion command, PipelineRegistry registry, Clock clock) {
        if (status != PipelineStatus.DELETING) {
            throw CommandRefused.conflict("pipeline " + name + " is " + describeState()
                    + "; deletion completes only after it was requested");
        }
        if (!tornDown.containsAll(ProvisionStep.TEARDOWN)) {
            throw CommandRefused.conflict("pipeline " + name + " still has resources to remove: "
                    + ProvisionStep.TEARDOWN.stream().filter(step -> !tornDown.contains(step))
                    .map(ProvisionStep::wireName).toList());
        }
        registry.releaseName(organizationId, name);
        apply(new PipelineDeleted(pipelineId, clock.instant()));
    }

    @EventSourcingHandler
    void on(PipelineCreated event) {
        pipelineId = event.pipelineId();
        organizationId = event.organizationId();
        name = event.name();
        status = PipelineStatus.PENDING;
        pauseRequested = event.paused();
    }

    @EventSourcingHandler
    void on(ProvisionStepStarted event) {
        status = PipelineStatus.PROVISIONING;
        provisionStep = event.step();
        provisionStepDone = false;
    }

    @EventSourcingHandler
    void on(PeeringEnsured event) {
        provisionStepDone = true;
    }

    @EventSourcingHandler
    void on(PluginInstalled event) {
        provisionStepDone = true;
    }

    @EventSourcingHandler
    void on(SourcePrepared event) {
        provisionStepDone = true;
    }

    @EventSourcingHandler
    void on(PublicationCreated event) {
        provisionStepDone = true;
    }

    @EventSourcingHandler
    void on(ConnectorCreated event) {
        provisionStepDone = true;
    }

    @EventSourcingHandler
    void on(PipelineRunning event) {
        status = PipelineStatus.RUNNING;
        connectorState = event.connectorState();
        taskStates = event.taskStates();
        lastObservedAt = event.at();
    }

    @EventSourcingHandler
    void on(ConnectorHealthChanged event) {
        connectorState = event.connectorState();
        taskStates = event.taskStates();
        connectorError = event.errorMessage();
        if (!ConnectorHealth.PAUSED.equals(event.connectorState())) {
            resumingConnector = false;
        }
        if (lastObservedAt == null || event.at().isAfter(lastObservedAt)) {
            lastObservedAt = event.at();
        }
    }

    @EventSourcingHandler
    void on(FailoverDetected event) {
        failingOverTo = event.to();
    }

    @EventSourcingHandler
    void on(ConnectorRepointed event) {
        failingOverTo = null;
        repointedTo = event.primary();
    }

    @EventSourcingHandler
    void on(DriftDetected event) {
        openDrifts.put(event.resource(), event);
    }

    @EventSourcingHandler
    void on(DriftRepaired event) {
        openDrifts.remove(event.resource());
    }

    @EventSourcingHandler
    void on(DriftCleared event) {
        openDrifts.remove(event.resource());
    }

    @EventSourcingHandler
    void on(PipelineFailed event) {
        status = PipelineStatus.FAILED;
        failedStep = event.step();
    }

    /** A step to re-enter follows as its own event; otherwise the failed connector is resumed while Running. */
    @EventSourcingHandler
    void on(PipelineRestartRequested event) {
        if (event.previousStatus() == PipelineStatus.FAILED) {
            status = PipelineStatus.RUNNING;
        }
        failedStep = null;
    }

    @EventSourcingHandler
    void on(PipelinePaused event) {
        status = PipelineStatus.PAUSED;
        resumingConnector = false;
        if (event.cause() == PauseCause.REQUESTED) {
            pauseRequested = true;
        } else {
            connectorPaused = true;
        }
    }

    @EventSourcingHandler
    void on(PipelineResumed event) {
        status = PipelineStatus.RUNNING;
        resumingConnector = event.cause() == PauseCause.REQUESTED && !ConnectorHealth.PAUSED.equals(connectorState);
        pauseRequested = false;
        connectorPaused = false;
    }

    @EventSourcingHandler
    void on(PipelineDeletionRequested event) {
        status = PipelineStatus.DELETING;
    }

    @EventSourcingHandler
    void on(TeardownStepCompleted event) {
        tornDown.add(event.step());
    }

    @EventSourcingHandler
    void on(PipelineDeleted event) {
        status = PipelineStatus.DELETED;
        markDeleted();
    }

    private ProvisionStep expectedNextStep() {
        if (status == PipelineStatus.PENDING) {
            return ProvisionStep.first();
        }
        if (status == PipelineStatus.PROVISIONING && provisionStepDone) {
            return provisionStep.next().orElse(null);
        }
        return null;
    }

    /** Provisioning completed, and the pipeline is neither failed nor being deleted. */
    private boolean isProvisioned() {
        return status == PipelineStatus.RUNNING || status == PipelineStatus.PAUSED;
    }

    /** Running or Paused, but its connector or a task failed (or is missing), or it is being re-pointed. */
    private boolean isDegraded() {
        return isProvisioned() && (!ConnectorHealth.healthy(connectorState, taskStates) || failingOverTo != null);
    }

    private boolean isBeingDeleted() {
        return status == PipelineStatus.DELETING || status == PipelineStatus.DELETED;
    }

    /** A pipeline of another organization does not exist for the caller. */
    private void requireOrganization(UUID callerOrganization) {
        if (!organizationId.equals(callerOrganization)) {
            throw CommandRefused.notFound(NOT_FOUND);
        }
    }

    private String describeState() {
        if (status == PipelineStatus.PROVISIONING) {
            return "Provisioning (" + provisionStep.wireName() + (provisionStepDone ? " done)" : " in progress)");
        }
        return status.wireName();
    }
}
