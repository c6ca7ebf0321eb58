package io.pipewright.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.app.support.ControlPlaneDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.json.JSONException;
import org.junit.jupiter.api.Test;
import org.skyscreamer.jsonassert.JSONCompare;
import org.skyscreamer.jsonassert.JSONCompareMode;
import org.skyscreamer.jsonassert.JSONCompareResult;
import org.springdoc.webflux.core.visitor.RouterFunctionVisitor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;

/**
 * The OpenAPI document at {@code /v3/api-docs} and its page at {@code /swagger-ui.html} are readable without
 * credentials (by GET only), the document has every endpoint the application serves, and it is the one committed as
 * {@code docs/openapi.json}, so a change of the API shows in review.
 *
 * <p>After an intended change of the API, regenerate the committed copy and commit it with the change:
 *
 * <pre>
 * mvn -B -o -pl app -am test -Dtest=OpenApiDocumentTest -Dsurefire.failIfNoSpecifiedTests=false -Dopenapi.write=true
 * </pre>
 *
 * With {@code -Dopenapi.write=true} the test writes what the application serves to {@code docs/openapi.json} instead
 * of comparing the two.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT60S")
@DirtiesContext
class OpenApiDocumentTest {

    private static final Path COMMITTED = Path.of("..", "docs", "openapi.json").toAbsolutePath().normalize();
    private static final String REGENERATE = "mvn -B -o -pl app -am test -Dtest=OpenApiDocumentTest "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dopenapi.write=true";

    private static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping controllers;
    @Autowired
    ApplicationContext context;

    /** Every method and path of a controller or a router function; a mapping without a method needs its path only. */
    @Test
    void theDocumentHasEveryEndpoint() throws IOException {
        JsonNode paths = JSON.readTree(document()).path("paths");
        List<Endpoint> endpoints = new ArrayList<>();
        controllers.getHandlerMethods().forEach((mapping, handler) -> {
            if (!handler.getBeanType().getPackageName().startsWith("org.springdoc")) {
                mapping.getPatternsCondition().getPatterns().forEach(path -> endpoints.addAll(Endpoint.of(
                        mapping.getMethodsCondition().getMethods().stream().map(RequestMethod::name).toList(),
                        path.getPatternString())));
            }
        });
        context.getBeansOfType(RouterFunction.class).values().forEach(routes -> {
            RouterFunctionVisitor visitor = new RouterFunctionVisitor();
            routes.accept(visitor);
            // A route's HEAD is its GET without the body, as every GET mapping answers HEAD: documented as the GET.
            visitor.getRouterFunctionDatas().forEach(route -> endpoints.addAll(Endpoint.of(
                    Stream.of(route.getMethods()).filter(method -> method != RequestMethod.HEAD)
                            .map(RequestMethod::name).toList(), route.getPath())));
        });

        assertThat(endpoints).as("the application's endpoints")
                .contains(new Endpoint("POST", "/organizations/{organizationId}/pipelines"),
                        new Endpoint("GET", "/pipelines/{pipelineId}/status"), new Endpoint("POST", "/tokens"));
        assertThat(endpoints.stream().filter(endpoint -> !endpoint.isIn(paths)))
                .as("endpoints the application serves that /v3/api-docs lacks").isEmpty();
    }

    @Test
    void theDocumentIsTheCommittedOne() throws IOException, JSONException {
        String served = document();
        if (Boolean.getBoolean("openapi.write")) {
            Files.writeString(COMMITTED, served, StandardCharsets.UTF_8);
            return;
        }
        String committed = Files.exists(COMMITTED) ? Files.readString(COMMITTED, StandardCharsets.UTF_8) : "{}";
        JSONCompareResult difference = JSONCompare.compareJSON(committed, served, JSONCompareMode.STRICT);
        if (difference.failed()) {
            fail("%s is not what the application serves at /v3/api-docs. If the API changed on purpose, regenerate "
                    + "it with%n    %s%nand commit it. The differences (expected: committed, got: served):%n%s",
                    COMMITTED, REGENERATE, difference.getMessage());
        }
    }

    @Test
    void theDocumentAndItsPageNeedNoCredentialsButOnlyForReading() {
        web.get().uri("/swagger-ui.html").exchange().expectStatus().is3xxRedirection()
                .expectHeader().valueEquals("Location", "/swagger-ui/index.html");
        web.get().uri("/swagger-ui/index.html").exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.TEXT_HTML);
        web.get().uri("/v3/api-docs/swagger-config").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.url").isEqualTo("/v3/api-docs");
        web.get().uri("/v3/api-docs.yaml").exchange().expectStatus().isOk();

        web.post().uri("/v3/api-docs").contentType(MediaType.APPLICATION_JSON).bodyValue("{}").exchange()
                .expectStatus().isUnauthorized();
        web.get().uri("/organizations").exchange().expectStatus().isUnauthorized();
    }

    /** Read with a larger buffer than the application's 64 KiB, the limit of what a request may send. */
    private String document() {
        return web.mutate().codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(1 << 20)).build()
                .get().uri("/v3/api-docs").exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_JSON)
                .expectBody(String.class).returnResult().getResponseBody();
    }

    /** A method (null: any) and a path pattern. */
    record Endpoint(String method, String path) {

        static List<Endpoint> of(List<String> methods, String path) {
            return methods.isEmpty() ? List.of(new Endpoint(null, path))
                    : methods.stream().map(method -> new Endpoint(method, path)).toList();
        }

        boolean isIn(JsonNode paths) {
            return method == null ? paths.has(path) : paths.path(path).has(method.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return (method == null ? "any method of" : method) + " " + path;
        }
    }
}
