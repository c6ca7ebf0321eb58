package io.pipewright.app.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.kernel.access.Caller;
import io.pipewright.query.page.Page;
import io.pipewright.query.page.PageRequest;
import io.swagger.v3.core.jackson.ModelResolver;
import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.oas.models.servers.Server;
import java.math.BigDecimal;
import java.util.List;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springdoc.core.utils.SpringDocUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;

/**
 * The OpenAPI document springdoc generates from the controllers ({@code /v3/api-docs}, browsable at
 * {@code /swagger-ui.html}; committed as {@code docs/openapi.json}), completed with what the controllers do not say
 * themselves: schemas named as on the wire (the application's snake_case {@link ObjectMapper} describes them), the two
 * ways to authenticate, the problems a request can get before its handler runs or from the common checks, and what
 * pages a list.
 */
@Configuration(proxyBeanMethods = false)
class ApiDocumentation {

    private static final String BASIC = "basic";
    private static final String BEARER = "bearer";
    private static final String PROBLEM = "Problem";
    private static final String VALIDATION_PROBLEM = "ValidationProblem";
    private static final String OPERATOR_PATHS = "/operator/";

    static {
        // The caller comes from the credentials (see CallerArgumentResolver), never from the request's parameters.
        SpringDocUtils.getConfig().addRequestWrapperToIgnore(Caller.class);
    }

    @Bean
    OpenAPI pipewrightApi() {
        return new OpenAPI()
                .info(new Info().title("Pipewright").version("1").description("""
                        The control plane's REST API: managed services, pipelines with their status and event \
                        history, accounts, API tokens, and the operators' endpoints. JSON is snake_case; every \
                        refusal is an RFC 7807 problem (application/problem+json)."""))
                .servers(List.of(new Server().url("/").description("This control plane")))
                .components(new Components()
                        .addSecuritySchemes(BASIC, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")
                                .description("The user name and password of a Pipewright user."))
                        .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP)
                                .scheme("bearer").bearerFormat("pwt_...").description("An API token (POST /tokens)."))
                        .addSchemas(PROBLEM, new ObjectSchema()
                                .addProperty("type", new StringSchema().format("uri")
                                        .description("about:blank: the status says what kind of problem it is."))
                                .addProperty("title", new StringSchema())
                                .addProperty("status", new IntegerSchema().description("The HTTP status."))
                                .addProperty("detail", new StringSchema().description("Why, for a person to read."))
                                .addProperty("instance", new StringSchema().format("uri-reference")
                                        .description("The path of the request.")))
                        .addSchemas("FieldViolation", new ObjectSchema()
                                .addProperty("field", new StringSchema().description(
                                        "The field as the wire names it (config.tables[0], organization_id), or body."))
                                .addProperty("rule", new StringSchema().description("The rule it breaks.")))
                        .addSchemas(VALIDATION_PROBLEM, new Schema<>()
                                .addAllOfItem(schema(PROBLEM))
                                .addAllOfItem(new ObjectSchema()
                                        .addProperty("field", new StringSchema().description("The first field refused."))
                                        .addProperty("rule", new StringSchema().description("The rule it breaks."))
                                        .addProperty("errors", new ArraySchema().items(schema("FieldViolation"))
                                                .description("Every field refused, the first one included."))))
                        .addHeaders(Page.NEXT_PAGE_TOKEN, new Header().schema(new StringSchema()).description(
                                "What to send for the next page (as page_token, or as after_sequence in an event "
                                        + "history); absent on the last page."))
                        .addHeaders(HttpHeaders.LINK, new Header().schema(new StringSchema()).description(
                                "RFC 8288 <...>; rel=\"next\": this request for the next page; absent on the last "
                                        + "page."))
                        .addHeaders(HttpHeaders.RETRY_AFTER, new Header().schema(new IntegerSchema())
                                .description("Seconds until credentials are checked again."))
                        .addHeaders(HttpHeaders.WWW_AUTHENTICATE, new Header().schema(new StringSchema())
                                .description("Basic realm=\"pipewright\""))
                        .addResponses("InvalidRequest", problem("Invalid request: field and rule name the first "
                                + "field refused, errors all of them.", VALIDATION_PROBLEM))
                        .addResponses("Unauthorized", problem("No credentials, or refused ones; the title says why "
                                + "(Authentication required, Invalid token, Expired token, Revoked token).", PROBLEM)
                                .addHeaderObject(HttpHeaders.WWW_AUTHENTICATE, header(HttpHeaders.WWW_AUTHENTICATE)))
                        .addResponses("NotFound", problem("Not found, or of an organization the caller is no "
                                + "member of: both answer the same.", PROBLEM))
                        .addResponses("PayloadTooLarge", problem("The body is larger than 64 KiB "
                                + "(spring.codec.max-in-memory-size); refused before it is read.", PROBLEM))
                        .addResponses("UnsupportedMediaType", problem("The body is a form's "
                                + "(application/x-www-form-urlencoded, multipart/form-data, text/plain): only JSON "
                                + "is read.", PROBLEM))
                        .addResponses("TooManyRequests", problem("Too many failed logins for this user name or "
                                + "from this address.", PROBLEM)
                                .addHeaderObject(HttpHeaders.RETRY_AFTER, header(HttpHeaders.RETRY_AFTER))))
                .security(List.of(new SecurityRequirement().addList(BASIC), new SecurityRequirement().addList(BEARER)));
    }

    /** Describes the schemas with the application's mapper, so that their properties are named as on the wire. */
    @Bean
    ModelResolver wireNames(ObjectMapper json) {
        return new ModelResolver(json);
    }

    /**
     * Adds to every operation the problems it can answer, unless its controller declares them: 400 when it takes
     * parameters or a body, 401 and 429 (authentication), 403 when it changes something or is an operator's, 404 when
     * its path names something, 413 and 415 when it takes a body. Whatever refusal a controller declares (a 409) gets
     * the problem body. A paginated list (one with {@code limit}) gets its parameters described and the headers of the
     * next page.
     */
    @Bean
    OpenApiCustomizer problemsAndPages() {
        return api -> api.getPaths().forEach((path, item) -> item.readOperationsMap().forEach((method, operation) -> {
            ApiResponses responses = operation.getResponses();
            responses.forEach((status, response) -> {
                if (status.startsWith("4") && response.get$ref() == null) {
                    response.setContent(problemContent(status.equals("400") ? VALIDATION_PROBLEM : PROBLEM));
                }
            });
            boolean body = operation.getRequestBody() != null;
            List<Parameter> parameters = operation.getParameters() == null ? List.of() : operation.getParameters();
            if (body || !parameters.isEmpty()) {
                responses.putIfAbsent("400", reference("InvalidRequest"));
            }
            responses.putIfAbsent("401", reference("Unauthorized"));
            if (method != PathItem.HttpMethod.GET || path.startsWith(OPERATOR_PATHS)) {
                responses.putIfAbsent("403", problem(forbidden(method, path), PROBLEM));
            }
            if (path.contains("{")) {
                responses.putIfAbsent("404", reference("NotFound"));
            }
            if (body) {
                responses.putIfAbsent("413", reference("PayloadTooLarge"));
                responses.putIfAbsent("415", reference("UnsupportedMediaType"));
            }
            responses.putIfAbsent("429", reference("TooManyRequests"));
            if (parameters.stream().anyMatch(parameter -> parameter.getName().equals("limit"))) {
                page(operation);
            }
        }));
    }

    private static String forbidden(PathItem.HttpMethod method, String path) {
        String cause = path.startsWith(OPERATOR_PATHS)
                ? "The caller is no operator (an API token for one organization is none)"
                : "The caller's membership lacks the permission the change needs";
        return method == PathItem.HttpMethod.GET ? cause + "." : cause + ", the API token is read-only, or a browser "
                + "marked the request cross-site (Sec-Fetch-Site).";
    }

    private static void page(Operation operation) {
        for (Parameter parameter : operation.getParameters()) {
            switch (parameter.getName()) {
                case "limit" -> parameter.description("How many rows a page has at most.")
                        .schema(new IntegerSchema().minimum(BigDecimal.ONE)
                                .maximum(BigDecimal.valueOf(PageRequest.MAX_LIMIT))
                                ._default(PageRequest.DEFAULT_LIMIT));
                case "page_token" -> parameter.description("The Next-Page-Token of the previous page, with the "
                        + "same filters; absent for the first page.");
                case "after_sequence" -> parameter.description("The events after this sequence (the "
                        + "Next-Page-Token of the previous page); absent: from the first event.")
                        .schema(new IntegerSchema().format("int64").minimum(BigDecimal.valueOf(-1)));
                default -> {
                }
            }
        }
        operation.getResponses().get("200")
                .addHeaderObject(Page.NEXT_PAGE_TOKEN, header(Page.NEXT_PAGE_TOKEN))
                .addHeaderObject(HttpHeaders.LINK, header(HttpHeaders.LINK));
    }

    private static ApiResponse problem(String description, String schema) {
        return new ApiResponse().description(description).content(problemContent(schema));
    }

    private static Content problemContent(String schema) {
        return new Content().addMediaType(org.springframework.http.MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                new MediaType().schema(schema(schema)));
    }

    private static Schema<?> schema(String name) {
        return new Schema<>().$ref("#/components/schemas/" + name);
    }

    private static ApiResponse reference(String name) {
        return new ApiResponse().$ref("#/components/responses/" + name);
    }

    private static Header header(String name) {
        return new Header().$ref("#/components/headers/" + name);
    }
}
