package io.pipewright.query.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.pipewright.kernel.access.Caller;
import io.pipewright.kernel.query.PipelineStatusView;
import io.pipewright.kernel.query.PipelineView;
import io.pipewright.query.NotFound;
import io.pipewright.query.page.InvalidParameter;
import io.pipewright.query.page.Keyset;
import io.pipewright.query.page.Page;
import io.pipewright.query.page.PageRequest;
import io.pipewright.query.page.PageTokenKey;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.util.List;
import java.util.UUID;
import org.springdoc.core.annotations.RouterOperation;
import org.springdoc.core.annotations.RouterOperations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/**
 * The two reads that dashboards and infrastructure-as-code tools poll, a pipeline's status and a page of an
 * organization's pipelines, as functional routes rather than annotated controller methods: WebFlux's annotated
 * dispatch (matching the request against every mapping, a data binder per path variable, negotiating the answer's
 * media type) cost a status GET about a fifth of its CPU (docs/benchmarks.md). A route reads the caller the
 * authentication left on the request and makes its one query. The status is written with a Jackson writer prepared
 * once; a page of the list is the JSON array the database joins of the JSON it keeps of each view row.
 * Failures are the same problems as the controllers': WebFlux hands a route's error signals to the application's
 * problem handling too.
 */
@Configuration(proxyBeanMethods = false)
class PipelinePollingRoutes {

    static final String STATUS = "/pipelines/{pipelineId}/status";
    static final String LIST = "/organizations/{organizationId}/pipelines";

    @Bean
    @RouterOperations({
            @RouterOperation(path = STATUS, method = RequestMethod.GET, operation = @Operation(
                    operationId = "status", tags = "Pipelines",
                    parameters = @Parameter(in = ParameterIn.PATH, name = "pipelineId", required = true,
                            schema = @Schema(type = "string", format = "uuid")),
                    responses = @ApiResponse(responseCode = "200", description = "OK", content = @Content(
                            mediaType = MediaType.APPLICATION_JSON_VALUE,
                            schema = @Schema(implementation = PipelineStatusView.class))))),
            @RouterOperation(path = LIST, method = RequestMethod.GET, operation = @Operation(
                    operationId = "listPipelines", tags = "Pipelines",
                    description = "Live pipelines in creation order, limit (default 100, at most 1,000) at a time.",
                    parameters = {
                            @Parameter(in = ParameterIn.PATH, name = "organizationId", required = true,
                                    schema = @Schema(type = "string", format = "uuid")),
                            @Parameter(in = ParameterIn.QUERY, name = "limit", schema = @Schema(type = "string")),
                            @Parameter(in = ParameterIn.QUERY, name = "page_token", schema = @Schema(type = "string")),
                            @Parameter(in = ParameterIn.QUERY, name = "status", description = "Only pipelines in "
                                    + "this status, as their status field names it (a deleted pipeline is listed in "
                                    + "none).", schema = @Schema(type = "string")),
                            @Parameter(in = ParameterIn.QUERY, name = "name_prefix", description = "Only pipelines "
                                    + "whose name starts with this text (literally).", schema = @Schema(
                                    type = "string", maxLength = PipelineFilter.MAX_PREFIX_LENGTH))},
                    responses = @ApiResponse(responseCode = "200", description = "OK", content = @Content(
                            mediaType = MediaType.APPLICATION_JSON_VALUE,
                            array = @ArraySchema(schema = @Schema(implementation = PipelineView.class))))))})
    RouterFunction<ServerResponse> pipelinePolling(PipelineViews views, PageTokenKey pageTokens, ObjectMapper json) {
        ObjectWriter statusWriter = json.writerFor(PipelineStatusView.class);
        // Deferred, so that a refused parameter reaches the problem handling as an error signal, not as a throw.
        // HEAD as GET (WebFlux leaves the body out), as the annotated GET mappings answer it.
        return RouterFunctions.route(RequestPredicates.GET(STATUS).or(RequestPredicates.HEAD(STATUS)),
                        request -> Mono.defer(() -> status(request, views, statusWriter)))
                .andRoute(RequestPredicates.GET(LIST).or(RequestPredicates.HEAD(LIST)),
                        request -> Mono.defer(() -> list(request, views, pageTokens)));
    }

    private static Mono<ServerResponse> status(ServerRequest request, PipelineViews views, ObjectWriter writer) {
        UUID pipelineId = InvalidParameter.uuid("pipeline_id", request.pathVariable("pipelineId"));
        return views.status(pipelineId, caller(request).organizationIds())
                .switchIfEmpty(Mono.error(() -> NotFound.of("pipeline")))
                .flatMap(view -> json(ServerResponse.ok(), written(writer, view)));
    }

    private static Mono<ServerResponse> list(ServerRequest request, PipelineViews views, PageTokenKey pageTokens) {
        UUID organizationId = InvalidParameter.uuid("organization_id", request.pathVariable("organizationId"));
        if (!caller(request).isMemberOf(organizationId)) {
            return Mono.error(NotFound.of("organization"));
        }
        int rows = PageRequest.limit(parameter(request, "limit"));
        String pageToken = parameter(request, "page_token");
        PipelineFilter filter = PipelineFilter.of(parameter(request, "status"), parameter(request, "name_prefix"));
        String listing = filter.listing(organizationId);
        return pageTokens.tokens().flatMap(tokens -> {
            Keyset after = pageToken == null ? null : tokens.decode(pageToken, listing);
            return views.page(organizationId, filter, after, rows).flatMap(page -> json(ServerResponse.ok()
                    .headers(headers -> {
                        if (page.next() != null) {
                            headers.addAll(Page.next(request.exchange().getRequest(), rows, "page_token",
                                    tokens.encode(page.next(), listing)));
                        }
                    }), page.json()));
        });
    }

    /** The caller the authentication verified; every route needs one (the security chain refuses requests without). */
    private static Caller caller(ServerRequest request) {
        return (Caller) request.attribute(Caller.REQUEST_ATTRIBUTE)
                .orElseThrow(() -> new IllegalStateException("no verified caller on an authenticated route"));
    }

    /**
     * A query parameter as an annotated {@code @RequestParam String} of the other lists reads it: null when absent,
     * several values joined by commas.
     */
    private static String parameter(ServerRequest request, String name) {
        List<String> values = request.queryParams().get(name);
        return values == null || values.isEmpty() ? null : String.join(",", values);
    }

    private static byte[] written(ObjectWriter writer, Object value) {
        try {
            return writer.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a view could not be written as JSON", e);
        }
    }

    private static Mono<ServerResponse> json(ServerResponse.BodyBuilder response, byte[] body) {
        return response.contentType(MediaType.APPLICATION_JSON).contentLength(body.length)
                .body((message, context) -> message.writeWith(Mono.just(message.bufferFactory().wrap(body))));
    }
}
