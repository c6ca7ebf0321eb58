package io.pipewright.app.teardown;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
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

    private static final String PIPELINES = PipewrightClient.PIPELINES;
    private static final Path HOLDS = createHolds();

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
        registry.add("pipewright.fault-injection.hold-directory", HOLDS::toString);
    }

    @Autowired
    WebTestClient web;
    @Autowired
    JdbcTemplate jdbc;

    private final LocalStack stack = ControlPlaneDatabase.stack();
    private PipewrightClient api;
    private String suffix;
    private String source;
    private String sink;

    @BeforeEach
    void registerServices() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        api = new PipewrightClient(web, stack);
        source = api.register(api.source("source-" + suffix, "local"));
        sink = api.register(api.sink("kafka-" + suffix, "local", stack.connect().restUrl()));
        api.awaitServiceRunning(source);
        api.awaitServiceRunning(sink);
    }

    @Test
    void fromRunning() throws Exception {
        Map<String, String> before = SourceSnapshot.of(stack.source());
        String id = create(List.of("orders", "customers"));
        awaitStatus(id, "Running");
        assertThat(connectorPasswordsKept(id)).isEqualTo(1);
        deleteAndAwaitGone(id);
        assertThat(SourceSnapshot.of(stack.source())).isEqualTo(before);
        assertThat(connectors()).doesNotContain("mdb-pipeline-" + id.substring(0, 8));
        assertThat(connectorPasswordsKept(id)).as("the dropped role's password, erased from the vault").isZero();
        assertThat(api.eventTypes(id)).containsSubsequence("PipelineDeletionRequested", "TeardownStepCompleted",
                "TeardownStepCompleted", "TeardownStepCompleted", "PipelineDeleted");
    }

    @Test
    void fromRunningWithReplicaIdentityFullGivenToATableWithoutKey() throws Exception {
        String table = "no_key_full_" + suffix;
        stack.source().execute(LocalStack.SOURCE_DATABASE, "CREATE TABLE public." + table + " (note text)");
        stack.source().execute(LocalStack.SOURCE_DATABASE, "INSERT INTO public." + table + " VALUES ('first')");
        Map<String, String> before = SourceSnapshot.of(stack.source());
        String id = api.call("POST", PIPELINES, Map.of("name", "full-" + suffix, "pipeline_type", "cdc_pg_to_kafka",
                "source_service_id", source, "sink_service_id", sink, "config", Map.of("tables", List.of(table),
                        "replica_identity_full", true)), 202).get("id").asText();
        awaitStatus(id, "Running");
        stack.source().execute(LocalStack.SOURCE_DATABASE, "UPDATE public." + table + " SET note = 'updated'");
        stack.source().execute(LocalStack.SOURCE_DATABASE, "DELETE FROM public." + table);
        deleteAndAwaitGone(id);
        assertThat(SourceSnapshot.of(stack.source())).isEqualTo(before);
    }

    @Test
    void fromPaused() throws Exception {
        Map<String, String> before = SourceSnapshot.of(stack.source());
        String id = create(List.of("orders"));
        awaitStatus(id, "Running");
        api.call("POST", PIPELINES + "/" + id + "/pause", Map.of(), 202);
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
        sink = api.register(api.sink("kafka-unreachable-" + suffix, "local", "http://127.0.0.1:1"));
        Map<String, String> before = SourceSnapshot.of(stack.source());
        String id = create(List.of("orders"));
        assertThat(api.get("/pipelines/" + id + "/status").get("status").asText()).isEqualTo("Pending");
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

        JsonNode deleting = api.call("DELETE", PIPELINES + "/" + id, null, 202);
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
        api.call("DELETE", PIPELINES + "/" + id, null, 202);
        web.delete().uri(PIPELINES + "/" + id).headers(headers -> headers.setBasicAuth("test-admin",
                "test-admin-password")).exchange().expectStatus().value(status ->
                assertThat(status).isIn(202, 404));
        awaitGone(id);
        assertThat(SourceSnapshot.of(stack.source())).isEqualTo(before);
        assertThat(api.eventTypes(id)).filteredOn("PipelineDeletionRequested"::equals).hasSize(1);
    }

    private void deleteAndAwaitGone(String id) {
        JsonNode deleting = api.call("DELETE", PIPELINES + "/" + id, null, 202);
        assertThat(deleting.get("status").asText()).isEqualTo("Deleting");
        awaitGone(id);
    }

    /** Soft-deleted: gone from GET and the list, its history still readable. */
    private void awaitGone(String id) {
        api.awaitEvent(id, "PipelineDeleted", Duration.ofMinutes(2));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> api.call("GET", PIPELINES + "/" + id, null, 404));
        assertThat(api.get(PIPELINES).findValues("id")).extracting(JsonNode::asText).doesNotContain(id);
    }

    private String create(List<String> tables) {
        return api.call("POST", PIPELINES, Map.of("name", "del-" + suffix + "-" + UUID.randomUUID().toString()
                        .substring(0, 4), "pipeline_type", "cdc_pg_to_kafka", "source_service_id", source,
                "sink_service_id", sink, "config", Map.of("tables", tables, "topic_prefix", "del" + suffix)), 202)
                .get("id").asText();
    }

    /** The vault's row for the pipeline's generated password (its id is derived from the pipeline's). */
    private long connectorPasswordsKept(String id) {
        UUID ref = UUID.nameUUIDFromBytes(("connector-password " + id).getBytes(StandardCharsets.UTF_8));
        return jdbc.queryForObject("SELECT count(*) FROM secret WHERE secret_id = ?", Long.class, ref);
    }

    private JsonNode awaitStatus(String id, String expected) {
        return api.awaitStatus(id, expected, Duration.ofMinutes(3));
    }

    private List<String> connectors() {
        List<String> connectors = new ArrayList<>();
        api.connect("/connectors").forEach(name -> connectors.add(name.asText()));
        return connectors;
    }

    private static Path createHolds() {
        try {
            return Files.createTempDirectory("pipewright-holds");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
