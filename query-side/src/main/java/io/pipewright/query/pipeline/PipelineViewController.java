package io.pipewright.query.pipeline;

import io.pipewright.kernel.access.Caller;
import io.pipewright.kernel.query.PipelineStatusView;
import io.pipewright.kernel.query.PipelineView;
import io.pipewright.query.NotFound;
import java.util.List;
import java.util.UUID;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

@RestController
class PipelineViewController {

    private final PipelineViews views;
    private final PipelineEventHistory history;

    PipelineViewController(PipelineViews views, PipelineEventHistory history) {
        this.views = views;
        this.history = history;
    }

    @GetMapping("/organizations/{organizationId}/pipelines")
    Flux<PipelineView> list(@PathVariable UUID organizationId, Caller caller) {
        if (!caller.isMemberOf(organizationId)) {
            return Flux.error(NotFound.of("organization"));
        }
        return views.list(organizationId);
    }

    @GetMapping("/organizations/{organizationId}/pipelines/{pipelineId}")
    Mono<PipelineView> get(@PathVariable UUID organizationId, @PathVariable UUID pipelineId, Caller caller) {
        if (!caller.isMemberOf(organizationId)) {
            return Mono.error(NotFound.of("pipeline"));
        }
        return views.find(organizationId, pipelineId)
                .switchIfEmpty(Mono.error(() -> NotFound.of("pipeline")));
    }

    @GetMapping("/pipelines/{pipelineId}/status")
    Mono<PipelineStatusView> status(@PathVariable UUID pipelineId, Caller caller) {
        return views.status(pipelineId, caller.organizationIds())
                .switchIfEmpty(Mono.error(() -> NotFound.of("pipeline")));
    }

    /** The whole trail, also of a deleted pipeline; a pipeline has at least its creation event. */
    @GetMapping("/organizations/{organizationId}/pipelines/{pipelineId}/events")
    Mono<List<PipelineEvent>> events(@PathVariable UUID organizationId, @PathVariable UUID pipelineId,
                                     Caller caller) {
        if (!caller.isMemberOf(organizationId)) {
            return Mono.error(NotFound.of("pipeline"));
        }
        return history.of(organizationId, pipelineId)
                .collectList()
                .filter(events -> !events.isEmpty())
                .switchIfEmpty(Mono.error(() -> NotFound.of("pipeline")));
    }
}
