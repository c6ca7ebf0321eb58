package io.pipewright.command.dag;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

import io.pipewright.kernel.CommandRefused;
import io.pipewright.kernel.dag.ConfigureDagSchedule;
import io.pipewright.kernel.dag.CreateDagPipeline;
import io.pipewright.kernel.dag.DagDefinition;
import io.pipewright.kernel.dag.DagPipelineCreated;
import io.pipewright.kernel.dag.DagPipelineDeleted;
import io.pipewright.kernel.dag.DagPipelineRevised;
import io.pipewright.kernel.dag.DagRunReleased;
import io.pipewright.kernel.dag.DagRunRequested;
import io.pipewright.kernel.dag.DagSchedule;
import io.pipewright.kernel.dag.DagScheduleConfigured;
import io.pipewright.kernel.dag.DeleteDagPipeline;
import io.pipewright.kernel.dag.ReleaseDagRun;
import io.pipewright.kernel.dag.ReviseDagPipeline;
import io.pipewright.kernel.dag.TriggerDagRun;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/**
 * One DAG pipeline: its versions, its schedule, and the runs it admitted. It is the gate of {@code max_active_runs}: a
 * run exists only after this aggregate requested it, and counts until it is released. Versions are immutable; a run
 * pins the version current when it was requested. A schedule whose cron a new version removes is turned off (a
 * {@link DagSchedule} without a cron never fires); one a version adds to a pipeline that had none is turned on.
 * Once deleted, every command is refused as for a pipeline that never existed, except the release of a run still
 * active then, which is recorded so the history shows when it ended.
 */
@Aggregate
public class DagPipeline {

    /** The same words for an absent pipeline and another organization's, so the answer tells nothing apart. */
    public static final String NOT_FOUND = "pipeline not found";
    static final String UTC = "UTC";

    @AggregateIdentifier
    private UUID pipelineId;
    private UUID organizationId;
    private int version;
    private DagDefinition definition;
    private DagSchedule schedule;
    /** The latest due time a scheduled run was requested for: due times only grow, so an earlier one is a repeat. */
    private Instant lastScheduledDueAt;
    private final Set<UUID> activeRuns = new LinkedHashSet<>();
    private boolean deleted;

    protected DagPipeline() {
    }

    @CommandHandler
    public DagPipeline(CreateDagPipeline command, DagPipelineRegistry registry, Clock clock) {
        DagDefinition created = command.definition();
        registry.claimName(command.organizationId(), created.name(), command.pipelineId());
        registry.useServices(command.organizationId(), command.pipelineId(), created.postgresServiceId(),
                created.kafkaServiceId());
        apply(new DagPipelineCreated(command.pipelineId(), command.organizationId(), 1, created, command.author(),
                clock.instant()));
        if (created.schedule() != null) {
            apply(new DagScheduleConfigured(command.pipelineId(), command.organizationId(),
                    new DagSchedule(created.schedule(), UTC, true, DagSchedule.CatchUp.LATEST), clock.instant()));
        }
    }

    /** Returns the new version's number. */
    @CommandHandler
    public int handle(ReviseDagPipeline command, DagPipelineRegistry registry, Clock clock) {
        requireLive(command.organizationId());
        DagDefinition revised = command.definition();
        registry.useServices(organizationId, pipelineId, revised.postgresServiceId(), revised.kafkaServiceId());
        if (!revised.name().equals(definition.name())) {
            registry.rename(pipelineId, revised.name());
        }
        apply(new DagPipelineRevised(pipelineId, organizationId, version + 1, revised, command.author(),
                clock.instant()));
        String currentCron = schedule == null ? null : schedule.cron();
        if (!Objects.equals(currentCron, revised.schedule())) {
            apply(new DagScheduleConfigured(pipelineId, organizationId, scheduleWithCron(revised.schedule()),
                    clock.instant()));
        }
        return version;
    }

    /** Returns whether it changed anything: nothing when the schedule is already the one asked. */
    @CommandHandler
    public boolean handle(ConfigureDagSchedule command, Clock clock) {
        requireLive(command.organizationId());
        if (command.schedule().equals(schedule)) {
            return false;
        }
        apply(new DagScheduleConfigured(pipelineId, organizationId, command.schedule(), clock.instant()));
        return true;
    }

    /**
     * Admits a run of the current version, within {@code max_active_runs}. Returns false, changing nothing, for a run
     * id already requested (a due time fired twice gives one run).
     */
    @CommandHandler
    public boolean handle(TriggerDagRun command, Clock clock) {
        requireLive(command.organizationId());
        if (activeRuns.contains(command.runId()) || command.dueAt() != null && lastScheduledDueAt != null
                && !command.dueAt().isAfter(lastScheduledDueAt)) {
            return false;
        }
        if (activeRuns.size() >= definition.maxActiveRuns()) {
            throw CommandRefused.conflict("pipeline " + definition.name() + ": max_active_runs ("
                    + definition.maxActiveRuns() + ") runs are active; a new run can start when one ends");
        }
        apply(new DagRunRequested(pipelineId, organizationId, command.runId(), version, definition,
                command.executionDate(), command.trigger(), command.dueAt(), clock.instant()));
        return true;
    }

    /** Returns whether it changed anything: nothing for a run that is not active (released already, or unknown). */
    @CommandHandler
    public boolean handle(ReleaseDagRun command, Clock clock) {
        if (!activeRuns.contains(command.runId())) {
            return false;
        }
        apply(new DagRunReleased(pipelineId, command.runId(), clock.instant()));
        return true;
    }

    /** Returns the runs active when it was deleted: cancelled when the command asks it, else left to finish. */
    @CommandHandler
    public List<UUID> handle(DeleteDagPipeline command, DagPipelineRegistry registry, Clock clock) {
        requireLive(command.organizationId());
        List<UUID> active = new ArrayList<>(activeRuns);
        registry.release(pipelineId);
        apply(new DagPipelineDeleted(pipelineId, organizationId, active, command.cancelActiveRuns(),
                clock.instant()));
        return active;
    }

    @EventSourcingHandler
    void on(DagPipelineCreated event) {
        pipelineId = event.pipelineId();
        organizationId = event.organizationId();
        version = event.version();
        definition = event.definition();
    }

    @EventSourcingHandler
    void on(DagPipelineRevised event) {
        version = event.version();
        definition = event.definition();
    }

    @EventSourcingHandler
    void on(DagScheduleConfigured event) {
        schedule = event.schedule();
    }

    @EventSourcingHandler
    void on(DagRunRequested event) {
        if (event.dueAt() != null) {
            lastScheduledDueAt = event.dueAt();
        }
        activeRuns.add(event.runId());
    }

    @EventSourcingHandler
    void on(DagRunReleased event) {
        activeRuns.remove(event.runId());
    }

    @EventSourcingHandler
    void on(DagPipelineDeleted event) {
        deleted = true;
    }

    /**
     * The schedule with a new version's cron: time zone, enabled and catch-up kept; removing the cron turns it off,
     * adding one where there was none turns it on (UTC and catch-up latest unless configured before).
     */
    private DagSchedule scheduleWithCron(String cron) {
        if (cron == null) {
            return new DagSchedule(null, schedule.timeZone(), false, schedule.catchUp());
        }
        if (schedule == null) {
            return new DagSchedule(cron, UTC, true, DagSchedule.CatchUp.LATEST);
        }
        return new DagSchedule(cron, schedule.timeZone(), schedule.cron() == null || schedule.enabled(),
                schedule.catchUp());
    }

    /** A deleted pipeline, or one of another organization, does not exist for the caller. */
    private void requireLive(UUID callerOrganization) {
        if (deleted || !organizationId.equals(callerOrganization)) {
            throw CommandRefused.notFound(NOT_FOUND);
        }
    }
}
