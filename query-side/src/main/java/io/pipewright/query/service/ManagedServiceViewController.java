package io.pipewright.query.service;

import io.pipewright.kernel.access.Caller;
import io.pipewright.kernel.query.ManagedServiceView;
import io.pipewright.query.NotFound;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@RestController
class ManagedServiceViewController {

    private final ManagedServiceViews views;

    ManagedServiceViewController(ManagedServiceViews views) {
        this.views = views;
    }

    /** The services of every organization the caller belongs to. */
    @GetMapping("/managed-services")
    Flux<ManagedServiceView> list(Caller caller) {
        return views.list(caller.organizationIds());
    }

    @GetMapping("/managed-services/{serviceId}")
    Mono<ManagedServiceView> get(@PathVariable UUID serviceId, Caller caller) {
        return views.find(serviceId, caller.organizationIds())
                .switchIfEmpty(Mono.error(() -> NotFound.of("service")));
    }
}
