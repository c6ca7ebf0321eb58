package io.pipewright.query.pipeline;

import io.pipewright.kernel.access.Caller;
import io.pipewright.kernel.query.PipelineView;
import io.pipewright.query.NotFound;
import io.pipewright.query.page.InvalidParameter;
import io.pipewright.query.page.Page;
import io.pipewright.query.page.PageRequest;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The read endpoints of pipelines: one pipeline and its event history, a JSON array with the next page in headers
 * (see {@link Page}). The status and the list, which clients poll, are {@link PipelinePollingRoutes}.
 */
@RestController
@Tag(name = "Pipelines")
class PipelineViewController {

    private static final Pattern SEQUENCE = Pattern.compile("-1|[0-9]{1,18}");

    private final PipelineViews views;
    private final PipelineEventHistory history;

    PipelineViewController(PipelineViews views, PipelineEventHistory history) {
        this.views = views;
        this.history = history;
    }

    @GetMapping("/organizations/{organizationId}/pipelines/{pipelineId}")
    Mono<PipelineView> getPipeline(@PathVariable UUID organizationId, @PathVariable UUID pipelineId, Caller caller) {
        if (!caller.isMemberOf(organizationId)) {
            return Mono.error(NotFound.of("pipeline"));
        }
        return views.find(organizationId, pipelineId)
                .switchIfEmpty(Mono.error(() -> NotFound.of("pipeline")));
    }

    /**
     * The trail in order, also of a deleted pipeline, {@code limit} events (default 100, at most 1,000) after
     * {@code after_sequence} (from the creation event when absent); the next page continues after the last sequence
     * answered. A pipeline has at least its creation event, so only an unknown or foreign one is a 404.
     */
    @GetMapping("/organizations/{organizationId}/pipelines/{pipelineId}/events")
    Mono<ResponseEntity<List<PipelineEvent>>> events(@PathVariable UUID organizationId,
                                                     @PathVariable UUID pipelineId,
                                                     @RequestParam(name = "after_sequence", required = false)
                                                     String afterSequence,
                                                     @RequestParam(name = "limit", required = false) String limit,
                                                     Caller caller, ServerHttpRequest request) {
        if (!caller.isMemberOf(organizationId)) {
            return Mono.error(NotFound.of("pipeline"));
        }
        int rows = PageRequest.limit(limit);
        long after = afterSequence(afterSequence);
        return history.page(organizationId, pipelineId, after, rows + 1)
                .map(page -> Page.of(page, rows, request, "after_sequence",
                        last -> Long.toString(last.sequence())))
                .switchIfEmpty(Mono.error(() -> NotFound.of("pipeline")));
    }

    private static long afterSequence(String afterSequence) {
        if (afterSequence == null) {
            return -1;
        }
        if (!SEQUENCE.matcher(afterSequence).matches()) {
            throw new InvalidParameter("after_sequence", "must be a whole number from -1 up");
        }
        return Long.parseLong(afterSequence);
    }
}
