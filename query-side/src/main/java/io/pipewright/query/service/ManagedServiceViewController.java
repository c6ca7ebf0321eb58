package io.pipewright.query.service;

import io.pipewright.kernel.access.Caller;
import io.pipewright.kernel.query.ManagedServiceView;
import io.pipewright.query.NotFound;
import io.pipewright.query.page.Keyset;
import io.pipewright.query.page.Page;
import io.pipewright.query.page.PageRequest;
import io.pipewright.query.page.PageTokenKey;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The read endpoints of registered services: the paginated list (see {@link Page}) and one service. */
@RestController
@Tag(name = "Managed services")
class ManagedServiceViewController {

    private static final String LISTING = "managed-services";

    private final ManagedServiceViews views;
    private final PageTokenKey pageTokens;

    ManagedServiceViewController(ManagedServiceViews views, PageTokenKey pageTokens) {
        this.views = views;
        this.pageTokens = pageTokens;
    }

    /** The services of every organization the caller belongs to, in creation order, {@code limit} at a time. */
    @GetMapping("/managed-services")
    Mono<ResponseEntity<List<ManagedServiceView>>> listServices(
            @RequestParam(name = "limit", required = false) String limit,
            @RequestParam(name = "page_token", required = false) String pageToken,
            Caller caller, ServerHttpRequest request) {
        int rows = PageRequest.limit(limit);
        return pageTokens.tokens().flatMap(tokens -> {
            Keyset after = pageToken == null ? null : tokens.decode(pageToken, LISTING);
            return views.page(caller.organizationIds(), after, rows + 1).collectList()
                    .map(page -> Page.of(page, rows, request, "page_token", last ->
                            tokens.encode(new Keyset(last.createdAt(), last.id()), LISTING)));
        });
    }

    @GetMapping("/managed-services/{serviceId}")
    Mono<ManagedServiceView> getService(@PathVariable UUID serviceId, Caller caller) {
        return views.find(serviceId, caller.organizationIds())
                .switchIfEmpty(Mono.error(() -> NotFound.of("service")));
    }
}
