package io.pipewright.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalStack;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Another organization's pipeline or service answers exactly what one that does not exist answers, on every endpoint
 * with an id, reading or changing; an id of another kind (a service's where a pipeline's is expected, and the other
 * way round) is such a 404 too, never a 500. Deregistering a service erases its admin password from the vault.
 * The pipeline here fails at once (its services are in different peering regions), so it touches no source.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT60S")
@DirtiesContext
class NotFoundAnswerTest {

    private static final String A = PipewrightClient.ORGANIZATION;
    private static final String PASSWORD = "a-long-enough-password";

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void foreignAbsentAndOtherKindsOfIdsAnswerTheSame404() {
        LocalStack stack = ControlPlaneDatabase.stack();
        PipewrightClient admin = new PipewrightClient(web, stack);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String b = admin.call("POST", "/operator/organizations", Map.of("name", "org-b-" + suffix), 201)
                .get("id").asText();
        String bob = "bob-" + suffix;
        admin.call("POST", "/operator/users", Map.of("username", bob, "password", PASSWORD), 201);
        admin.call("PUT", "/operator/organizations/" + b + "/members/" + bob,
                Map.of("permissions", List.of("service:create")), 200);
        String source = admin.register(admin.source("nf-source-" + suffix, "se-sto1"));
        String sink = admin.register(admin.sink("nf-kafka-" + suffix, "us-nyc1", stack.connect().restUrl()));
        String pipeline = admin.call("POST", PipewrightClient.PIPELINES, Map.of("name", "nf-" + suffix,
                "pipeline_type", "cdc_pg_to_kafka", "source_service_id", source, "sink_service_id", sink,
                "config", Map.of("tables", List.of("orders"), "topic_prefix", "nf" + suffix)), 202).get("id").asText();
        admin.awaitStatus(pipeline, "Failed", Duration.ofMinutes(1));

        String absent = UUID.randomUUID().toString();
        for (String organization : List.of(A, b)) {
            String pipelines = "/organizations/" + organization + "/pipelines/";
            for (String[] endpoint : new String[][] {{"GET", pipelines + "%s"}, {"GET", "/pipelines/%s/status"},
                    {"GET", pipelines + "%s/events"}, {"POST", pipelines + "%s/pause"},
                    {"POST", pipelines + "%s/resume"}, {"DELETE", pipelines + "%s"}}) {
                String absentAnswer = notFound(bob, endpoint[0], endpoint[1], absent);
                assertThat(notFound(bob, endpoint[0], endpoint[1], pipeline)).as("another organization's pipeline")
                        .isEqualTo(absentAnswer);
                if (organization.equals(A)) {
                    assertThat(notFound("test-admin", endpoint[0], endpoint[1], source))
                            .as("a service's id on %s %s", endpoint[0], endpoint[1])
                            .isEqualTo(notFound("test-admin", endpoint[0], endpoint[1], absent));
                }
            }
        }
        for (String method : List.of("GET", "DELETE")) {
            String absentAnswer = notFound(bob, method, "/managed-services/%s", absent);
            assertThat(notFound(bob, method, "/managed-services/%s", source)).isEqualTo(absentAnswer);
            assertThat(notFound("test-admin", method, "/managed-services/%s", pipeline))
                    .isEqualTo(notFound("test-admin", method, "/managed-services/%s", absent));
        }
        assertThat(admin.eventTypes(pipeline)).doesNotContain("PipelineDeletionRequested");
        assertThat(admin.get("/managed-services/" + source).get("name").asText()).isEqualTo("nf-source-" + suffix);
    }

    @Test
    void deregisteringAServiceErasesItsAdminPassword() {
        LocalStack stack = ControlPlaneDatabase.stack();
        PipewrightClient admin = new PipewrightClient(web, stack);
        Set<UUID> before = secretIds();
        String source = admin.register(admin.source("erased-" + UUID.randomUUID().toString().substring(0, 8),
                "local"));
        admin.awaitServiceRunning(source);
        Set<UUID> added = new HashSet<>(secretIds());
        added.removeAll(before);
        assertThat(added).as("the admin password in the vault").hasSize(1);

        web.delete().uri("/managed-services/" + source)
                .headers(headers -> headers.setBasicAuth("test-admin", "test-admin-password"))
                .exchange().expectStatus().isNoContent();

        assertThat(secretIds()).doesNotContainAnyElementsOf(added);
    }

    private Set<UUID> secretIds() {
        return new HashSet<>(jdbc.queryForList("SELECT secret_id FROM secret", UUID.class));
    }

    /** The 404 problem body for the endpoint with this id, the id itself replaced, as the path carries it anyway. */
    private String notFound(String user, String method, String pathFormat, String id) {
        String body = web.method(HttpMethod.valueOf(method)).uri(pathFormat.formatted(id))
                .headers(headers -> headers.setBasicAuth(user, user.equals("test-admin") ? "test-admin-password"
                        : PASSWORD))
                .exchange()
                .expectStatus().isNotFound()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(String.class).returnResult().getResponseBody();
        return body.replace(id, "{id}");
    }
}
