package io.pipewright.query.service;

import io.pipewright.kernel.query.FindManagedService;
import io.pipewright.kernel.query.ManagedServiceView;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.axonframework.queryhandling.QueryHandler;
import org.springframework.stereotype.Component;

@Component
class ManagedServiceQueries {

    private final ManagedServiceViews views;

    ManagedServiceQueries(ManagedServiceViews views) {
        this.views = views;
    }

    /** Completes with null when the organization has no registered service with that id. */
    @QueryHandler
    CompletableFuture<ManagedServiceView> handle(FindManagedService query) {
        return views.find(query.serviceId(), List.of(query.organizationId())).toFuture();
    }
}
