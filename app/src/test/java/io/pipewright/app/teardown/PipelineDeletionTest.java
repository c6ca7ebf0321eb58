package io.pipewright.app.teardown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A delete from every state returns the source to exactly what it was before the pipeline was created, on the real
 * stack: the snapshot taken before creating equals the one taken after the deletion completed.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class PipelineDeletionTest {

    private static final String ORGANIZATION = "5b1c6a8e-0a3f-4f4e-9d1c-2f1e7c0d9a11";
    private static final String PIPELINES = "/organizations/" + ORGANIZATION + "/pipelines";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path HOLDS = createHolds();

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
        registry.add("pipewright.fault-injection.hold-directory", HOLDS::toString);
    }

    @Autowired
    WebTestClient web;

    private final LocalStack stack = ControlPlaneDatabase.stack();
    private String suffix;
    private String source;
    private String sink;

    @BeforeEach
    void registerServices() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        web = web.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        PostgresServer database = stack.source();
        source = register(Map.of("name", "source-" + suffix, "database_type", "postgresql", "zone", "local",
                "postgresql", Map.of(
                        "hosts", List.of(Map.of("host", database.host(), "port", database.port())),
                        "admin_user", database.superuser(), "admin_password", database.superuserPassword(),
                        "hba_management", "file")));
        sink = register(kafka("kafka-" + suffix, stack.connect().restUrl()));
        awaitServiceRunning(source);
        awaitServiceRunning(sink);
    }

    @Test
    void fromRunning() throws Exception {
        Map<String, String> before = SourceSnapshot.of(stack.source());
        String id = create(List.of("orders", "customers"));
        awaitStatus(id, "Running");
        deleteAndAwaitGone(id);
        assertThat(SourceSnapshot.of(stack.source())).isEqualTo(before);
        assertThat(connectors()).doesNotContain("mdb-pipeline-" + id.substring(0, 8));
        assertThat(eventTypes(id)).containsSubsequence("PipelineDeletionRequested", "TeardownStepCompleted",
                "TeardownStepCompleted", "TeardownStepCompleted", "PipelineDeleted");
    }

    @Test
    void fromPaused() throws Exception {
        Map<String, String> before = SourceSnapshot.of(stack.source());
        String id = create(List.of("orders"));
        awaitStatus(id, "Running");
        call("POST", PIPELINES + "/" + id + "/pause", Map.of(), 202);
        deleteAndAwaitGone(id);
        assertThat(SourceSnapshot.of(stack.source())).isEqualTo(before);
    }

    @Test
    void fromFailedAfterTheRoleAndItsHbaEntryWereCreated() throws Exception {
        String table = "no_key_" + suffix;
        stack.source().execute(LocalStack.SOURCE_DATABASE, "CREATE TABLE public." + table + " (note text)");
        Map<String, String> before = SourceSnapshot.of(stack.source());
        String id = create(List.of("orders", table));
        JsonNode failed = awaitStatus(id, "Failed");
        assertThat(failed.get("error_message").asText()).contains("has no primary key");
        assertThat(SourceSnapshot.of(stack.source())).isNotEqualTo(before);
        deleteAndAwaitGone(id);
        assertThat(SourceSnapshot.of(stack.source())).isEqualTo(before);
    }

    @Test
    void fromPendingWhileTheSinkIsStillComingUp() throws Exception {
        sink = register(kafka("kafka-unreachable-" + suffix, "http://127.0.0.1:1"));
        Map<String, String> before = SourceSnapshot.of(stack.source());
        String id = create(List.of("orders"));
        assertThat(get("/pipelines/" + id + "/status").get("status").asText()).isEqualTo("Pending");
        deleteAndAwaitGone(id);
        assertThat(SourceSnapshot.of(stack.source())).isEqualTo(before);
    }

    @Test
    void fromProvisioningWithTheConnectorStepInFlight() throws Exception {
        Map<String, String> before = SourceSnapshot.of(stack.source());
        Path hold = Files.writeString(HOLDS.resolve("create_connector"), "hold");
        Path entered = HOLDS.resolve("create_connector.entered");
        Files.deleteIfExists(entered);
        String id = create(List.of("orders"));
        await().atMost(Duration.ofMinutes(3)).until(() -> Files.exists(entered));

        JsonNode deleting = call("DELETE", PIPELINES + "/" + id, null, 202);
        assertThat(deleting.get("status").asText()).isEqualTo("Deleting");
        Files.delete(hold);

        awaitGone(id);
        assertThat(SourceSnapshot.of(stack.source())).isEqualTo(before);
        assertThat(connectors()).doesNotContain("mdb-pipeline-" + id.substring(0, 8));
    }

    @Test
    void aSecondDeleteChangesNothing() throws Exception {
        Map<String, String> before = SourceSnapshot.of(stack.source());
        String id = create(List.of("orders"));
        awaitStatus(id, "Running");
        call("DELETE", PIPELINES + "/" + id, null, 202);
        web.delete().uri(PIPELINES + "/" + id).headers(headers -> headers.setBasicAuth("test-admin",
                "test-admin-password")).exchange().expectStatus().value(status ->
                assertThat(status).isIn(202, 404));
        awaitGone(id);
        assertThat(SourceSnapshot.of(stack.source())).isEqualTo(before);
        assertThat(eventTypes(id)).filteredOn("PipelineDeletionRequested"::equals).hasSize(1);
    }

    private void deleteAndAwaitGone(String id) {
        JsonNode deleting = call("DELETE", PIPELINES + "/" + id, null, 202);
        assertThat(deleting.get("status").asText()).isEqualTo("Deleting");
        awaitGone(id);
    }

    /** Soft-deleted: gone from GET and the list, its history still readable. */
    private void awaitGone(String id) {
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() ->
                eventTypes(id).contains("PipelineDeleted"));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> web.get().uri(PIPELINES + "/" + id)
                .headers(headers -> headers.setBasicAuth("test-admin", "test-admin-password")).exchange()
                .expectStatus().isNotFound());
        assertThat(get(PIPELINES).findValues("id")).extracting(JsonNode::asText).doesNotContain(id);
    }

    private String create(List<String> tables) {
        return call("POST", PIPELINES, Map.of("name", "del-" + suffix + "-" + UUID.randomUUID().toString()
                        .substring(0, 4), "pipeline_type", "cdc_pg_to_kafka", "source_service_id", source,
                "sink_service_id", sink, "config", Map.of("tables", tables, "topic_prefix", "del" + suffix)), 202)
                .get("id").asText();
    }

    private Map<String, Object> kafka(String name, String connectUrl) {
        Map<String, Object> connect = new HashMap<>(Map.of("url", connectUrl));
        if (connectUrl.equals(stack.connect().restUrl())) {
            connect.put("plugin_installation", "shared_directory");
            connect.put("plugin_path", stack.connect().pluginPath().toString());
        }
        return Map.of("name", name, "database_type", "kafka", "zone", "local", "addons", List.of("kafka-connect"),
                "kafka", Map.of("bootstrap_servers", stack.kafka().bootstrapServers(), "kafka_connect", connect));
    }

    private String register(Map<String, Object> service) {
        return call("POST", "/managed-services", service, 202).get("id").asText();
    }

    private void awaitServiceRunning(String id) {
        await().atMost(Duration.ofSeconds(60)).until(() -> "Running".equals(get("/managed-services/" + id)
                .get("status").asText()));
    }

    private JsonNode awaitStatus(String id, String expected) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() ->
                expected.equals(get("/pipelines/" + id + "/status").get("status").asText()));
        return get("/pipelines/" + id + "/status");
    }

    private List<String> eventTypes(String id) {
        List<String> types = new ArrayList<>();
        get(PIPELINES + "/" + id + "/events").forEach(event -> types.add(event.get("type").asText()));
        return types;
    }

    private List<String> connectors() {
        JsonNode names = read(connectGet("/connectors"));
        List<String> connectors = new ArrayList<>();
        names.forEach(name -> connectors.add(name.asText()));
        return connectors;
    }

    private JsonNode call(String method, String path, Object body, int expected) {
        WebTestClient.RequestBodySpec request = web.method(org.springframework.http.HttpMethod.valueOf(method))
                .uri(path).headers(headers -> headers.setBasicAuth("test-admin", "test-admin-password"))
                .contentType(MediaType.APPLICATION_JSON);
        WebTestClient.ResponseSpec response = body == null ? request.exchange() : request.bodyValue(body).exchange();
        return read(response.expectStatus().isEqualTo(expected).expectBody().returnResult().getResponseBody());
    }

    private JsonNode get(String path) {
        return call("GET", path, null, 200);
    }

    /** Kafka Connect directly: the test's WebTestClient is bound to the control plane. */
    private byte[] connectGet(String path) {
        try {
            HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(stack.connect().restUrl() + path)).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode read(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createHolds() {
        try {
            return Files.createTempDirectory("pipewright-holds");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
