package io.pipewright.app.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Who may do what: a read-only member of organization A reads everything of A and changes nothing (403 with a
 * problem body); a member of organization B gets 404 for every service, pipeline, status and event history of A,
 * exactly as for something that does not exist; nobody gets in without valid credentials (401).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT60S")
@DirtiesContext
class OrganizationAccessTest {

    private static final String A = PipewrightClient.ORGANIZATION;
    private static final String PASSWORD = "a-long-enough-password";

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;

    @Test
    void membersReadTheirOrganizationChangeItOnlyWithThePermissionAndNeverSeeAnotherOne() {
        LocalStack stack = ControlPlaneDatabase.stack();
        PipewrightClient admin = new PipewrightClient(web, stack);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String b = admin.call("POST", "/operator/organizations", Map.of("name", "org-b-" + suffix), 201)
                .get("id").asText();
        String reader = "reader-" + suffix;
        String bob = "bob-" + suffix;
        admin.call("POST", "/operator/users", Map.of("username", reader, "password", PASSWORD), 201);
        admin.call("POST", "/operator/users", Map.of("username", bob, "password", PASSWORD), 201);
        admin.call("PUT", "/operator/organizations/" + A + "/members/" + reader, Map.of("permissions", List.of()),
                200);
        admin.call("PUT", "/operator/organizations/" + b + "/members/" + bob,
                Map.of("permissions", List.of("service:create")), 200);

        String source = admin.register(admin.source("access-source-" + suffix, "local"));
        String sink = admin.register(admin.sink("access-kafka-" + suffix, "local", stack.connect().restUrl()));
        admin.awaitServiceRunning(source);
        admin.awaitServiceRunning(sink);
        Map<String, Object> pipeline = Map.of("name", "access-" + suffix, "pipeline_type", "cdc_pg_to_kafka",
                "source_service_id", source, "sink_service_id", sink,
                "config", Map.of("tables", List.of("orders"), "topic_prefix", "a" + suffix));
        String id = admin.call("POST", "/organizations/" + A + "/pipelines", pipeline, 202).get("id").asText();
        admin.awaitStatus(id, "Running", Duration.ofMinutes(4));
        List<String> history = admin.eventTypes(id);

        assertThat(call(reader, "GET", "/organizations", null, 200).toString())
                .contains(A).doesNotContain(b).contains("\"permissions\":[]");
        assertThat(call(bob, "GET", "/organizations", null, 200).toString())
                .contains(b).doesNotContain(A).contains("service:create");

        String pipelines = "/organizations/" + A + "/pipelines";
        for (String[] read : new String[][] {{"GET", pipelines}, {"GET", pipelines + "/" + id},
                {"GET", "/pipelines/" + id + "/status"}, {"GET", pipelines + "/" + id + "/events"},
                {"GET", "/managed-services/" + source}}) {
            call(reader, read[0], read[1], null, 200);
            problem(bob, read[0], read[1], null, 404);
        }
        for (String[] change : new String[][] {{"POST", pipelines + "/" + id + "/pause"},
                {"POST", pipelines + "/" + id + "/resume"}, {"DELETE", pipelines + "/" + id},
                {"DELETE", "/managed-services/" + source}}) {
            assertThat(problem(reader, change[0], change[1], null, 403).get("detail").asText())
                    .contains("service:create");
            problem(bob, change[0], change[1], null, 404);
        }
        problem(reader, "POST", pipelines, Map.of("name", "not-by-reader-" + suffix, "pipeline_type",
                "cdc_pg_to_kafka", "source_service_id", source, "sink_service_id", sink), 403);
        problem(bob, "POST", pipelines, pipeline, 404);
        problem(reader, "POST", "/managed-services", admin.source("not-by-reader-" + suffix, "local"), 403);
        assertThat(ids(call(bob, "GET", "/managed-services", null, 200))).doesNotContain(source, sink);
        problem(bob, "POST", "/organizations/" + b + "/pipelines", Map.of("name", "borrowing-" + suffix,
                "pipeline_type", "cdc_pg_to_kafka", "source_service_id", source, "sink_service_id", sink,
                "config", Map.of("tables", List.of("orders"))), 404);
        problem(reader, "GET", "/operator/orphans", null, 403);
        problem(bob, "GET", "/actuator/metrics", null, 403);

        problem(null, "GET", pipelines, null, 401);
        assertThat(web.get().uri(pipelines).headers(headers -> headers.setBasicAuth(reader, "wrong-password"))
                .exchange().expectStatus().isUnauthorized().expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON).expectBody(String.class)
                .returnResult().getResponseBody()).doesNotContain("wrong-password");

        assertThat(admin.eventTypes(id)).isEqualTo(history);
        assertThat(ids(admin.get(pipelines))).containsExactly(id);
        assertThat(admin.get("/pipelines/" + id + "/status").get("status").asText()).isEqualTo("Running");

        admin.call("DELETE", pipelines + "/" + id, null, 202);
        await().atMost(Duration.ofMinutes(2)).until(() -> admin.eventTypes(id).contains("PipelineDeleted"));
    }

    private JsonNode call(String user, String method, String path, Object body, int expected) {
        return PipewrightClient.read(exchange(user, method, path, body).expectStatus().isEqualTo(expected)
                .expectBody().returnResult().getResponseBody());
    }

    /** A refusal: the status, and an RFC 7807 body saying it. */
    private JsonNode problem(String user, String method, String path, Object body, int expected) {
        WebTestClient.ResponseSpec response = exchange(user, method, path, body).expectStatus().isEqualTo(expected);
        if (expected < 400) {
            return null;
        }
        JsonNode problem = PipewrightClient.read(response.expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON).expectBody().returnResult()
                .getResponseBody());
        assertThat(problem.get("status").asInt()).isEqualTo(expected);
        return problem;
    }

    private WebTestClient.ResponseSpec exchange(String user, String method, String path, Object body) {
        WebTestClient.RequestBodySpec request = web.method(HttpMethod.valueOf(method)).uri(path)
                .contentType(MediaType.APPLICATION_JSON);
        if (user != null) {
            request = request.headers(headers -> headers.setBasicAuth(user, PASSWORD));
        }
        return body == null ? request.exchange() : request.bodyValue(body).exchange();
    }

    private static List<String> ids(JsonNode list) {
        List<String> ids = new ArrayList<>();
        list.forEach(item -> ids.add(item.get("id").asText()));
        return ids;
    }
}
