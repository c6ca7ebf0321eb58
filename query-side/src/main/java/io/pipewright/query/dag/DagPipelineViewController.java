package io.pipewright.query.dag;

import io.pipewright.kernel.access.Caller;
import io.pipewright.kernel.query.DagPipelineView;
import io.pipewright.kernel.query.DagRunView;
import io.pipewright.query.NotFound;
import io.pipewright.query.page.InvalidParameter;
import io.pipewright.query.page.Keyset;
import io.pipewright.query.page.NameKeyset;
import io.pipewright.query.page.Page;
import io.pipewright.query.page.PageRequest;
import io.pipewright.query.page.PageTokenKey;
import io.swagger.v3.oas.annotations.Parameter;
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
 * The read endpoints of DAG pipelines, at the reference's paths: the list, one pipeline (at a version), its versions,
 * its runs (the execution history) and one run with every task's state, and its lineage. Lists answer a JSON array
 * with the next page in headers, as every list does (see {@link Page}). A pipeline or run of an organization the
 * caller is not a member of, or of a deleted pipeline, is a 404 like an absent one.
 */
@RestController
@Tag(name = "DAG pipelines")
class DagPipelineViewController {

    private static final Pattern VERSION = Pattern.compile("[1-9][0-9]{0,8}");
    private static final List<String> RUN_STATUSES = List.of(DagRunView.RUNNING, DagRunView.SUCCEEDED,
            DagRunView.FAILED, DagRunView.CANCELLED);

    private final DagViews views;
    private final PageTokenKey pageTokens;

    DagPipelineViewController(DagViews views, PageTokenKey pageTokens) {
        this.views = views;
        this.pageTokens = pageTokens;
    }

    /** Live pipelines of the caller's organizations (or of one of them), by name, {@code limit} at a time. */
    @GetMapping("/api/v1/pipelines")
    Mono<ResponseEntity<List<DagPipelineView>>> listPipelines(
            @Parameter(description = "Only this organization's pipelines (one the caller is a member of).")
            @RequestParam(name = "organization_id", required = false) String organizationId,
            @RequestParam(name = "limit", required = false) String limit,
            @RequestParam(name = "page_token", required = false) String pageToken,
            Caller caller, ServerHttpRequest request) {
        int rows = PageRequest.limit(limit);
        List<UUID> organizations;
        if (organizationId == null) {
            organizations = caller.organizationIds();
        } else {
            UUID organization = InvalidParameter.uuid("organization_id", organizationId);
            if (!caller.isMemberOf(organization)) {
                return Mono.error(NotFound.of("organization"));
            }
            organizations = List.of(organization);
        }
        String listing = String.join("\u0000", "dag-pipelines", String.valueOf(organizationId));
        return pageTokens.tokens().flatMap(tokens -> {
            NameKeyset after = pageToken == null ? null : tokens.decodeNamed(pageToken, listing);
            return views.page(organizations, after, rows + 1).collectList()
                    .map(page -> Page.of(page, rows, request, "page_token", last ->
                            tokens.encode(new NameKeyset(last.name(), last.id()), listing)));
        });
    }

    @GetMapping("/api/v1/pipelines/{id}")
    Mono<DagPipelineView> getPipeline(@PathVariable("id") UUID pipelineId,
                                      @Parameter(description = "This version instead of the latest.")
                                      @RequestParam(name = "version", required = false) String version,
                                      Caller caller) {
        Integer number = version == null ? null : version(version);
        return views.pipeline(pipelineId, caller.organizationIds(), number)
                .switchIfEmpty(Mono.error(() -> NotFound.of("pipeline")));
    }

    /** Every version, newest first. */
    @GetMapping("/api/v1/pipelines/{id}/versions")
    Mono<List<DagPipelineVersionView>> versions(@PathVariable("id") UUID pipelineId, Caller caller) {
        return views.versions(pipelineId, caller.organizationIds())
                .switchIfEmpty(Mono.error(() -> NotFound.of("pipeline")));
    }

    /** The pipeline's runs, newest first, {@code limit} at a time. */
    @GetMapping("/api/v1/pipelines/{id}/runs")
    Mono<ResponseEntity<List<DagRunView>>> runs(
            @PathVariable("id") UUID pipelineId,
            @Parameter(description = "Only runs in this status: running, succeeded, failed or cancelled.")
            @RequestParam(name = "status", required = false) String status,
            @RequestParam(name = "limit", required = false) String limit,
            @RequestParam(name = "page_token", required = false) String pageToken,
            Caller caller, ServerHttpRequest request) {
        int rows = PageRequest.limit(limit);
        if (status != null && !RUN_STATUSES.contains(status)) {
            throw new InvalidParameter("status", "must be one of " + String.join(", ", RUN_STATUSES));
        }
        String listing = String.join("\u0000", "dag-runs", pipelineId.toString(), String.valueOf(status));
        return pageTokens.tokens().flatMap(tokens -> {
            Keyset after = pageToken == null ? null : tokens.decode(pageToken, listing);
            return views.runs(pipelineId, caller.organizationIds(), status, after, rows + 1)
                    .map(page -> Page.of(page, rows, request, "page_token", last ->
                            tokens.encode(new Keyset(last.startedAt(), last.runId()), listing)));
        }).switchIfEmpty(Mono.error(() -> NotFound.of("pipeline")));
    }

    @GetMapping("/api/v1/pipelines/{id}/runs/{runId}")
    Mono<DagRunView> run(@PathVariable("id") UUID pipelineId, @PathVariable UUID runId, Caller caller) {
        return views.run(pipelineId, runId, caller.organizationIds())
                .switchIfEmpty(Mono.error(() -> NotFound.of("run")));
    }

    /** What each task of the latest version reads and writes, and the edges data flows along (see {@link DagLineage}). */
    @GetMapping("/api/v1/pipelines/{id}/lineage")
    Mono<DagLineageView> lineage(@PathVariable("id") UUID pipelineId, Caller caller) {
        return views.pipeline(pipelineId, caller.organizationIds(), null)
                .flatMap(pipeline -> Mono.zip(views.organizationPipelines(pipeline.organizationId()),
                                views.cdcPipelines(pipeline.organizationId(), pipeline.definition().postgresServiceId(),
                                        pipeline.definition().database()))
                        .map(related -> DagLineage.of(pipeline.id(), pipeline.version(), pipeline.definition(),
                                related.getT1(), related.getT2())))
                .switchIfEmpty(Mono.error(() -> NotFound.of("pipeline")));
    }

    private static Integer version(String version) {
        if (!VERSION.matcher(version).matches()) {
            throw new InvalidParameter("version", "must be a whole number from 1 up");
        }
        return Integer.valueOf(version);
    }
}
