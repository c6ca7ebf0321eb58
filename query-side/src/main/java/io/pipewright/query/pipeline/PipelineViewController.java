package io.pipewright.query.pipeline;

import io.pipewright.kernel.access.Caller;
import io.pipewright.kernel.query.PipelineStatusView;
import io.pipewright.kernel.query.PipelineView;
import io.pipewright.query.NotFound;
import io.pipewright.query.page.InvalidQueryParameter;
import io.pipewright.query.page.Keyset;
import io.pipewright.query.page.Page;
import io.pipewright.query.page.PageRequest;
import io.pipewright.query.page.PageTokenKey;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
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
 * The read endpoints of pipelines: the paginated list, one pipeline, its status and its event history. Lists answer a
 * JSON array with the next page in headers (see {@link Page}).
 */
@RestController
@Tag(name = "Pipelines")
class PipelineViewController {

    private static final Pattern SEQUENCE = Pattern.compile("-1|[0-9]{1,18}");

    private final PipelineViews views;
    private final PipelineEventHistory history;
    private final PageTokenKey pageTokens;

    PipelineViewController(PipelineViews views, PipelineEventHistory history, PageTokenKey pageTokens) {
        this.views = views;
        this.history = history;
        this.pageTokens = pageTokens;
    }

    /** Live pipelines in creation order, {@code limit} (default 100, at most 1,000) at a time. */
    @GetMapping("/organizations/{organizationId}/pipelines")
    Mono<ResponseEntity<List<PipelineView>>> listPipelines(
            @PathVariable UUID organizationId,
            @RequestParam(name = "limit", required = false) String limit,
            @RequestParam(name = "page_token", required = false) String pageToken,
            @Parameter(description = "Only pipelines in this status, as their status field names it (a deleted "
                    + "pipeline is listed in none).")
            @RequestParam(name = "status", required = false) String status,
            @Parameter(description = "Only pipelines whose name starts with this text (literally).",
                    schema = @Schema(maxLength = PipelineFilter.MAX_PREFIX_LENGTH))
            @RequestParam(name = "name_prefix", required = false) String namePrefix,
            Caller caller, ServerHttpRequest request) {
        if (!caller.isMemberOf(organizationId)) {
            return Mono.error(NotFound.of("organization"));
        }
        int rows = PageRequest.limit(limit);
        PipelineFilter filter = PipelineFilter.of(status, namePrefix);
        String listing = filter.listing(organizationId);
        return pageTokens.tokens().flatMap(tokens -> {
            Keyset after = pageToken == null ? null : tokens.decode(pageToken, listing);
            return views.page(organizationId, filter, after, rows + 1).collectList()
                    .map(page -> Page.of(page, rows, request, "page_token", last ->
                            tokens.encode(new Keyset(last.createdAt(), last.id()), listing)));
        });
    }

    @GetMapping("/organizations/{organizationId}/pipelines/{pipelineId}")
    Mono<PipelineView> getPipeline(@PathVariable UUID organizationId, @PathVariable UUID pipelineId, Caller caller) {
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
            throw new InvalidQueryParameter("after_sequence", "must be a whole number from -1 up");
        }
        return Long.parseLong(afterSequence);
    }
}
