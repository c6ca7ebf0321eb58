package io.pipewright.app.teardown;

import static io.pipewright.app.support.PipewrightClient.PIPELINES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Resources tagged by Pipewright but owned by no live pipeline (made here by hand, as a crashed older version would
 * leave them): the sweep reports each of them, and none of a live pipeline's; the metric counts them; removal on
 * request takes them away and leaves the source as it was, the live pipeline untouched.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT2M")
@DirtiesContext
class OrphanSweepTest {

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;

    private final LocalStack stack = ControlPlaneDatabase.stack();

    @Test
    void orphansAreReportedCountedAndRemovedOnRequestWhileALivePipelineIsLeftAlone() throws Exception {
        PipewrightClient api = new PipewrightClient(web, stack);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String source = api.register(api.source("orphan-source-" + suffix, "local"));
        String sink = api.register(api.sink("orphan-kafka-" + suffix, "local", stack.connect().restUrl()));
        api.awaitServiceRunning(source);
        api.awaitServiceRunning(sink);
        String live = api.call("POST", PIPELINES, Map.of("name", "live-" + suffix, "pipeline_type",
                "cdc_pg_to_kafka", "source_service_id", source, "sink_service_id", sink,
                "config", Map.of("tables", List.of("orders"), "topic_prefix", "o" + suffix)), 202).get("id").asText();
        api.awaitStatus(live, "Running", Duration.ofMinutes(4));
        Map<String, String> before = SourceSnapshot.of(stack.source());

        UUID orphan = UUID.randomUUID();
        String name = "pipewright_" + orphan.toString().replace("-", "");
        leaveResidueOf(orphan, name);

        List<JsonNode> found = ofPipeline(api.call("POST", "/operator/orphans/sweep", null, 200), orphan.toString());
        assertThat(found).extracting(row -> row.get("kind").asText()).containsExactlyInAnyOrder(
                "role", "publication", "replication_slot", "hba_entry", "connector");
        assertThat(found).allSatisfy(row -> assertThat(row.get("service_id").asText()).isIn(source, sink));
        assertThat(found).filteredOn(row -> row.get("kind").asText().equals("publication"))
                .extracting(row -> row.get("database_name").asText()).containsExactly(LocalStack.SOURCE_DATABASE);
        assertThat(ofPipeline(api.get("/operator/orphans"), live)).isEmpty();
        assertThat(api.get("/actuator/metrics/pipewright.orphans?tag=kind:replication_slot")
                .at("/measurements/0/value").asDouble()).isGreaterThanOrEqualTo(1);

        JsonNode remaining = api.call("DELETE", "/operator/orphans?pipeline_id=" + orphan, null, 200);
        assertThat(ofPipeline(remaining, orphan.toString())).isEmpty();
        assertThat(SourceSnapshot.of(stack.source())).isEqualTo(before);
        assertThat(connectors()).doesNotContain("mdb-pipeline-" + orphan.toString().substring(0, 8))
                .contains("mdb-pipeline-" + live.substring(0, 8));
        assertThat(api.get("/pipelines/" + live + "/status").get("status").asText()).isEqualTo("Running");
    }

    /** What a control plane that crashed mid-provisioning, with no record of the pipeline left, would leave. */
    private void leaveResidueOf(UUID orphan, String name) throws Exception {
        PostgresServer postgres = stack.source();
        postgres.execute(LocalStack.SOURCE_DATABASE, "CREATE ROLE " + name + " LOGIN REPLICATION PASSWORD 'orphaned'; "
                + "GRANT SELECT ON public.orders TO " + name + "; "
                + "CREATE PUBLICATION " + name + " FOR TABLE public.orders");
        // A statement of its own: a slot cannot be created in a transaction that wrote.
        postgres.execute(LocalStack.SOURCE_DATABASE, "SELECT pg_create_logical_replication_slot('" + name
                + "', 'pgoutput')");
        String hba = Files.readString(postgres.hbaFile());
        String line = "host " + LocalStack.SOURCE_DATABASE + " " + name + " 127.0.0.1/32 scram-sha-256 # pipewright:"
                + orphan + "\n";
        int catchAll = hba.indexOf("host    all          all       all            reject");
        Files.writeString(postgres.hbaFile(), hba.substring(0, catchAll) + line + hba.substring(catchAll));
        postgres.execute("postgres", "SELECT pg_reload_conf()");
        String connector = "mdb-pipeline-" + orphan.toString().substring(0, 8);
        String config = """
                {"name": "%s", "initial_state": "STOPPED", "config": {
                  "connector.class": "io.debezium.connector.postgresql.PostgresConnector", "tasks.max": "1",
                  "plugin.name": "pgoutput", "database.hostname": "%s", "database.port": "%d",
                  "database.user": "%s", "database.password": "orphaned", "database.dbname": "%s",
                  "topic.prefix": "orphan%s", "publication.name": "%s", "publication.autocreate.mode": "disabled",
                  "slot.name": "%s"}}""".formatted(connector, postgres.host(), postgres.port(), name,
                LocalStack.SOURCE_DATABASE, orphan.toString().substring(0, 8), name, name);
        HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(stack.connect().restUrl() + "/connectors"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(config)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        // Connect lists a connector with its status only once the worker wrote one.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "STOPPED".equals(
                new PipewrightClient(web, stack).connect("/connectors/" + connector + "/status")
                        .at("/connector/state").asText()));
    }

    private static List<JsonNode> ofPipeline(JsonNode orphans, String pipelineId) {
        List<JsonNode> rows = new ArrayList<>();
        orphans.forEach(row -> {
            if (pipelineId.equals(row.get("pipeline_id").asText())) {
                rows.add(row);
            }
        });
        return rows;
    }

    private List<String> connectors() {
        List<String> names = new ArrayList<>();
        new PipewrightClient(web, stack).connect("/connectors").forEach(connector -> names.add(connector.asText()));
        return names;
    }
}
