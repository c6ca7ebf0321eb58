package io.pipewright.command.service;

import io.pipewright.command.web.CommandDispatch;
import io.pipewright.kernel.CommandRefused;
import io.pipewright.kernel.access.Caller;
import io.pipewright.kernel.policy.EndpointPolicy;
import io.pipewright.kernel.policy.HostPathPolicy;
import io.pipewright.kernel.query.FindManagedService;
import io.pipewright.kernel.query.ManagedServiceView;
import io.pipewright.kernel.service.DeregisterManagedService;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Registers and deregisters services of the caller's organization. */
@RestController
@RequestMapping("/managed-services")
@Tag(name = "Managed services")
class ManagedServiceCommandController {

    private final CommandDispatch dispatch;
    private final RegisterServiceRequest.Policies policies;

    ManagedServiceCommandController(CommandDispatch dispatch, PeeringRegions regions, EndpointPolicy endpoints,
                                    HostPathPolicy hostPaths) {
        this.dispatch = dispatch;
        this.policies = new RegisterServiceRequest.Policies(regions, endpoints, hostPaths);
    }

    @PostMapping
    @ResponseStatus(HttpStatus.ACCEPTED)
    @ApiResponse(responseCode = "409", description = "The organization has a service of that name.")
    Mono<ManagedServiceView> register(@RequestBody RegisterServiceRequest request, Caller caller) {
        UUID organizationId = caller.defaultOrganization();
        if (organizationId == null || !caller.may(Caller.SERVICE_CREATE, organizationId)) {
            throw CommandRefused.forbidden("registering a service needs the " + Caller.SERVICE_CREATE
                    + " permission in your default organization");
        }
        UUID serviceId = UUID.randomUUID();
        // Checking the endpoints resolves host names: blocking, so off the event loop.
        return Mono.fromCallable(() -> request.toCommand(organizationId, serviceId, policies))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(command -> dispatch.send(command, caller))
                .then(dispatch.awaitView(new FindManagedService(organizationId, serviceId), ManagedServiceView.class,
                        Optional::isPresent))
                .map(Optional::orElseThrow);
    }

    @DeleteMapping("/{serviceId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    @ApiResponse(responseCode = "409", description = "A pipeline uses the service.")
    Mono<Void> deregister(@PathVariable UUID serviceId, Caller caller) {
        return dispatch.<UUID>sendForResult(new DeregisterManagedService(serviceId, caller.organizationIds(),
                        permittedOrganizations(caller)), caller)
                .onErrorMap(CommandDispatch::isUnknownAggregate,
                        absent -> CommandRefused.notFound(ManagedService.NOT_FOUND))
                .flatMap(organizationId -> dispatch.awaitView(new FindManagedService(organizationId, serviceId),
                        ManagedServiceView.class, Optional::isEmpty))
                .then();
    }

    private static List<UUID> permittedOrganizations(Caller caller) {
        return caller.organizationIds().stream()
                .filter(organizationId -> caller.may(Caller.SERVICE_CREATE, organizationId)).toList();
    }
}
