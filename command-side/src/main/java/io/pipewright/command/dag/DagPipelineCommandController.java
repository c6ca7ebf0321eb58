package io.pipewright.command.dag;

import io.pipewright.command.web.CommandDispatch;
import io.pipewright.command.web.FieldViolation;
import io.pipewright.command.web.InvalidRequest;
import io.pipewright.kernel.CommandRefused;
import io.pipewright.kernel.access.Caller;
import io.pipewright.kernel.dag.CancelDagRun;
import io.pipewright.kernel.dag.ConfigureDagSchedule;
import io.pipewright.kernel.dag.CreateDagPipeline;
import io.pipewright.kernel.dag.DagSchedule;
import io.pipewright.kernel.dag.DeleteDagPipeline;
import io.pipewright.kernel.dag.ReviseDagPipeline;
import io.pipewright.kernel.dag.TriggerDagRun;
import io.pipewright.kernel.query.DagPipelineView;
import io.pipewright.kernel.query.DagRunView;
import io.pipewright.kernel.query.FindDagPipeline;
import io.pipewright.kernel.query.FindDagRun;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The DAG pipeline endpoints that change something, at the reference's paths: create, new version, delete, schedule,
 * run, cancel a run. Each answers once the views show the change. A pipeline id that is not one of the caller's
 * organizations' live pipelines is "pipeline not found", whatever the reason.
 */
@RestController
@RequestMapping("/api/v1/pipelines")
@Tag(name = "DAG pipelines")
class DagPipelineCommandController {

    static final String FINISH = "finish";
    static final String CANCEL = "cancel";

    private final CommandDispatch dispatch;
    private final DagPipelineRegistry registry;
    private final Clock clock;

    DagPipelineCommandController(CommandDispatch dispatch, DagPipelineRegistry registry, Clock clock) {
        this.dispatch = dispatch;
        this.registry = registry;
        this.clock = clock;
    }

    /** What a delete answers: the runs active then, and whether they were cancelled or left to finish. */
    record Deletion(UUID id, boolean deleted, List<UUID> activeRuns, boolean activeRunsCancelled) {
    }

    /** What a run request answers: the run's id, and the version and execution date it pinned. */
    record RunAccepted(UUID runId, UUID pipelineId, int version, String executionDate) {
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    @ApiResponse(responseCode = "409", description = "The organization has a DAG pipeline of that name.")
    Mono<DagPipelineView> create(@RequestBody DagPipelineRequest request, Caller caller) {
        return Mono.fromCallable(() -> {
                    var definition = request.toDefinition();
                    UUID organizationId = request.organizationOr(caller.defaultOrganization());
                    if (organizationId == null) {
                        throw CommandRefused.notFound("organization not found");
                    }
                    requirePermission(caller, organizationId);
                    return new CreateDagPipeline(UUID.randomUUID(), organizationId, definition, caller.username());
                })
                .flatMap(command -> dispatch.sendAndAwaitNewView(command, caller,
                        new FindDagPipeline(command.pipelineId(), caller.organizationIds(), null),
                        DagPipelineView.class))
                .flatMap(Mono::justOrEmpty);
    }

    @PutMapping("/{id}")
    @ApiResponse(responseCode = "409", description = "Another DAG pipeline of the organization has the new name.")
    Mono<DagPipelineView> revise(@PathVariable UUID id, @RequestBody DagPipelineRequest request, Caller caller) {
        return Mono.fromCallable(request::toDefinition)
                .flatMap(definition -> organizationOf(id, caller)
                        .doOnNext(organizationId -> requireSameOrganization(request, organizationId))
                        .flatMap(organizationId -> dispatch.<Integer>sendForResult(
                                new ReviseDagPipeline(id, organizationId, definition, caller.username()), caller)))
                .onErrorMap(CommandDispatch::isUnknownAggregate, absent -> notFound())
                .flatMap(version -> dispatch.awaitView(new FindDagPipeline(id, caller.organizationIds(), version),
                        DagPipelineView.class, Optional::isPresent))
                .flatMap(Mono::justOrEmpty);
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<Deletion> delete(@PathVariable UUID id,
                          @RequestParam(name = "active_runs", defaultValue = FINISH) String activeRuns,
                          Caller caller) {
        if (!FINISH.equals(activeRuns) && !CANCEL.equals(activeRuns)) {
            return Mono.error(new InvalidRequest(List.of(new FieldViolation("active_runs",
                    "must be " + FINISH + " or " + CANCEL))));
        }
        boolean cancel = CANCEL.equals(activeRuns);
        return organizationOf(id, caller)
                .flatMap(organizationId -> dispatch.<List<UUID>>sendForResult(
                        new DeleteDagPipeline(id, organizationId, cancel), caller))
                .onErrorMap(CommandDispatch::isUnknownAggregate, absent -> notFound())
                .flatMap(runs -> dispatch.awaitView(new FindDagPipeline(id, caller.organizationIds(), null),
                                DagPipelineView.class, Optional::isEmpty)
                        .thenReturn(new Deletion(id, true, runs, cancel)));
    }

    @PutMapping("/{id}/schedule")
    Mono<DagPipelineView> configureSchedule(@PathVariable UUID id, @RequestBody DagScheduleRequest request,
                                            Caller caller) {
        return Mono.fromCallable(request::toSchedule)
                .flatMap(schedule -> organizationOf(id, caller)
                        .flatMap(organizationId -> dispatch.<Boolean>sendForResult(
                                new ConfigureDagSchedule(id, organizationId, schedule), caller))
                        .onErrorMap(CommandDispatch::isUnknownAggregate, absent -> notFound())
                        .flatMap(changed -> awaitSchedule(id, caller, schedule)))
                .flatMap(Mono::justOrEmpty);
    }

    @PostMapping("/{id}/run")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @ApiResponse(responseCode = "409", description = "max_active_runs runs of the pipeline are active.")
    Mono<RunAccepted> run(@PathVariable UUID id, @RequestBody(required = false) DagRunRequest request,
                          Caller caller) {
        UUID runId = UUID.randomUUID();
        return Mono.fromCallable(() -> Optional.ofNullable(request == null ? null : request.parsedExecutionDate()))
                .flatMap(asked -> organizationOf(id, caller)
                        .flatMap(organizationId -> executionDate(id, caller, asked)
                                .flatMap(date -> dispatch.<Boolean>sendForResult(new TriggerDagRun(id,
                                        organizationId, runId, date.toString(), TriggerDagRun.MANUAL, null), caller))))
                .onErrorMap(CommandDispatch::isUnknownAggregate, absent -> notFound())
                .flatMap(requested -> dispatch.awaitView(new FindDagRun(id, runId, caller.organizationIds()),
                        DagRunView.class, Optional::isPresent))
                .flatMap(Mono::justOrEmpty)
                .map(run -> new RunAccepted(run.runId(), run.pipelineId(), run.version(), run.executionDate()));
    }

    @PostMapping("/{id}/runs/{runId}/cancel")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @ApiResponse(responseCode = "409", description = "The run already ended.")
    Mono<DagRunView> cancelRun(@PathVariable UUID id, @PathVariable UUID runId, Caller caller) {
        FindDagRun query = new FindDagRun(id, runId, caller.organizationIds());
        return organizationOf(id, caller)
                .flatMap(organizationId -> dispatch.awaitView(query, DagRunView.class, view -> true))
                .flatMap(Mono::justOrEmpty)
                .switchIfEmpty(Mono.error(() -> CommandRefused.notFound("run not found")))
                .flatMap(run -> dispatch.send(new CancelDagRun(runId, "cancelled by " + caller.username()), caller))
                .onErrorMap(CommandDispatch::isUnknownAggregate, absent -> CommandRefused.conflict(
                        "run " + runId + " has not started yet; cancel it once it has"))
                .then(dispatch.awaitView(query, DagRunView.class,
                        view -> view.isEmpty() || !DagRunView.RUNNING.equals(view.get().status())))
                .flatMap(Mono::justOrEmpty);
    }

    /**
     * The organization of the pipeline, if it is one of the caller's, after checking the caller may change it. Read
     * from the registry the commands write, so a pipeline just created is found.
     */
    private Mono<UUID> organizationOf(UUID pipelineId, Caller caller) {
        return Mono.fromCallable(() -> registry.organizationOf(pipelineId))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(Mono::justOrEmpty)
                .filter(caller::isMemberOf)
                .switchIfEmpty(Mono.error(DagPipelineCommandController::notFound))
                .doOnNext(organizationId -> requirePermission(caller, organizationId));
    }

    /** A body naming an organization names the pipeline's: a pipeline does not move to another organization. */
    private static void requireSameOrganization(DagPipelineRequest request, UUID organizationId) {
        if (!request.organizationOr(organizationId).equals(organizationId)) {
            throw notFound();
        }
    }

    /** The date asked, else today in the schedule's time zone (UTC without a schedule). */
    private Mono<LocalDate> executionDate(UUID pipelineId, Caller caller, Optional<LocalDate> asked) {
        if (asked.isPresent()) {
            return Mono.just(asked.get());
        }
        return dispatch.awaitView(new FindDagPipeline(pipelineId, caller.organizationIds(), null),
                        DagPipelineView.class, view -> true)
                .flatMap(Mono::justOrEmpty)
                .switchIfEmpty(Mono.error(DagPipelineCommandController::notFound))
                .map(view -> {
                    DagSchedule schedule = view.schedule();
                    String zone = schedule == null || schedule.timeZone() == null ? DagPipeline.UTC
                            : schedule.timeZone();
                    return LocalDate.now(clock.withZone(ZoneId.of(zone)));
                });
    }

    private Mono<Optional<DagPipelineView>> awaitSchedule(UUID pipelineId, Caller caller, DagSchedule schedule) {
        return dispatch.awaitView(new FindDagPipeline(pipelineId, caller.organizationIds(), null),
                DagPipelineView.class, view -> view.isEmpty() || schedule.equals(view.get().schedule()));
    }

    private static CommandRefused notFound() {
        return CommandRefused.notFound(DagPipeline.NOT_FOUND);
    }

    /** Not a member: the organization does not exist for the caller. A member without the permission: forbidden. */
    static void requirePermission(Caller caller, UUID organizationId) {
        if (!caller.isMemberOf(organizationId)) {
            throw CommandRefused.notFound("organization not found");
        }
        if (!caller.may(Caller.SERVICE_CREATE, organizationId)) {
            throw CommandRefused.forbidden("creating or changing pipelines needs the " + Caller.SERVICE_CREATE
                    + " permission in organization " + organizationId);
        }
    }
}
