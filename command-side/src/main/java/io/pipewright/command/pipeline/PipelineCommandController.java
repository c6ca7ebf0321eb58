package io.pipewright.command.pipeline;

import io.pipewright.command.web.CommandDispatch;
import io.pipewright.kernel.CommandRefused;
import io.pipewright.kernel.access.Caller;
import io.pipewright.kernel.pipeline.DeletePipeline;
import io.pipewright.kernel.pipeline.PausePipeline;
import io.pipewright.kernel.pipeline.PipelineStatus;
import io.pipewright.kernel.pipeline.RestartPipeline;
import io.pipewright.kernel.pipeline.ResumePipeline;
import io.pipewright.kernel.query.FindPipeline;
import io.pipewright.kernel.query.PipelineView;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The pipeline endpoints that change something; each answers 202 with the pipeline as the views now show it. A
 * command that changes nothing (pausing a paused pipeline) answers at once with the pipeline as it is.
 */
@RestController
@RequestMapping("/organizations/{organizationId}/pipelines")
@Tag(name = "Pipelines")
class PipelineCommandController {

    private static final String STATE_CONFLICT = "The pipeline's state does not allow it (the detail says which).";

    private final CommandDispatch dispatch;
    private final int maxTables;

    PipelineCommandController(CommandDispatch dispatch,
                              @Value("${pipewright.pipelines.max-tables:100}") int maxTables) {
        this.dispatch = dispatch;
        this.maxTables = maxTables;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.ACCEPTED)
    @ApiResponse(responseCode = "409", description = "The organization has a pipeline of that name.")
    Mono<PipelineView> createPipeline(@PathVariable UUID organizationId,
                                      @RequestBody CreatePipelineRequest request, Caller caller) {
        requirePermission(caller, organizationId);
        UUID pipelineId = UUID.randomUUID();
        return Mono.fromCallable(() -> request.toCommand(organizationId, pipelineId, maxTables))
                .flatMap(command -> dispatch.sendAndAwaitNewView(command, caller,
                        new FindPipeline(organizationId, pipelineId), PipelineView.class))
                .flatMap(Mono::justOrEmpty);
    }

    @DeleteMapping("/{pipelineId}")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @ApiResponse(responseCode = "409", description = STATE_CONFLICT)
    Mono<PipelineView> delete(@PathVariable UUID organizationId, @PathVariable UUID pipelineId, Caller caller) {
        return change(caller, organizationId, pipelineId, new DeletePipeline(pipelineId, organizationId),
                PipelineStatus.DELETING);
    }

    @PostMapping("/{pipelineId}/pause")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @ApiResponse(responseCode = "409", description = STATE_CONFLICT)
    Mono<PipelineView> pause(@PathVariable UUID organizationId, @PathVariable UUID pipelineId, Caller caller) {
        return change(caller, organizationId, pipelineId, new PausePipeline(pipelineId, organizationId),
                PipelineStatus.PAUSED);
    }

    @PostMapping("/{pipelineId}/resume")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @ApiResponse(responseCode = "409", description = STATE_CONFLICT)
    Mono<PipelineView> resume(@PathVariable UUID organizationId, @PathVariable UUID pipelineId, Caller caller) {
        return change(caller, organizationId, pipelineId, new ResumePipeline(pipelineId, organizationId),
                PipelineStatus.RUNNING);
    }

    /**
     * Restarts a Failed or degraded pipeline from where it stopped (see {@link RestartPipeline}); with
     * {@code "resnapshot": true} the connector starts over with a new snapshot of the same tables. The pipeline of
     * another organization is not found (the pipeline checks it, as for the other changes).
     */
    @PostMapping("/{pipelineId}/restart")
    @ResponseStatus(HttpStatus.ACCEPTED)
    @ApiResponse(responseCode = "409", description = "Nothing to restart: the pipeline is healthy, still being "
            + "provisioned, being deleted, or failed before provisioning began (the detail says which).")
    Mono<PipelineView> restart(@PathVariable UUID organizationId, @PathVariable UUID pipelineId,
                               @RequestBody(required = false) RestartPipelineRequest request, Caller caller) {
        requirePermission(caller, organizationId);
        boolean resnapshot = request != null && Boolean.TRUE.equals(request.resnapshot());
        Instant sent = Instant.now();
        return dispatch.send(new RestartPipeline(pipelineId, organizationId, resnapshot), caller)
                .onErrorMap(CommandDispatch::isUnknownAggregate, absent -> CommandRefused.notFound(Pipeline.NOT_FOUND))
                .then(dispatch.awaitView(new FindPipeline(organizationId, pipelineId), PipelineView.class,
                        after -> after.isEmpty() || !after.get().updatedAt().isBefore(sent)))
                .flatMap(Mono::justOrEmpty);
    }

    private Mono<PipelineView> change(Caller caller, UUID organizationId, UUID pipelineId, Object command,
                                      PipelineStatus leadsTo) {
        requirePermission(caller, organizationId);
        return dispatch.<Object>sendForResult(command, caller)
                .onErrorMap(CommandDispatch::isUnknownAggregate, absent -> CommandRefused.notFound(Pipeline.NOT_FOUND))
                .map(Boolean.TRUE::equals)
                .defaultIfEmpty(true)
                .flatMap(changed -> changed ? awaitStatus(organizationId, pipelineId, leadsTo)
                        : dispatch.awaitView(new FindPipeline(organizationId, pipelineId), PipelineView.class,
                                view -> true))
                .flatMap(Mono::justOrEmpty);
    }

    /**
     * Waits until the view shows the status the command led to, or has moved past it (a deletion may complete, a
     * pipeline may fail right after it was resumed); the answer carries the view as it is then, if any.
     */
    private Mono<Optional<PipelineView>> awaitStatus(UUID organizationId, UUID pipelineId, PipelineStatus status) {
        Instant sent = Instant.now();
        return dispatch.awaitView(new FindPipeline(organizationId, pipelineId), PipelineView.class,
                view -> view.isEmpty() || view.get().status().equals(status.wireName())
                        || view.get().updatedAt().isAfter(sent));
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
