package io.pipewright.app.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ChangeTopics;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A Running pipeline on the real stack: health checks fill the status without adding events, pause and resume work
 * through Pipewright and past it (on the Connect worker), and a pipeline created paused streams only once resumed.
 * Checks run every 3 s here (config/application.yml).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class RunningPipelineOperationTest {

    private static final Duration PROVISIONED_WITHIN = Duration.ofMinutes(4);
    private static final Duration NOTICED_WITHIN = Duration.ofSeconds(30);

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;

    private final LocalStack stack = ControlPlaneDatabase.stack();
    private PipewrightClient api;
    private String suffix;
    private String source;
    private String sink;

    @BeforeEach
    void services() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        api = new PipewrightClient(web, stack);
        source = api.register(api.source("source-" + suffix, "local"));
        sink = api.register(api.sink("kafka-" + suffix, "local", stack.connect().restUrl()));
        api.awaitServiceRunning(source);
        api.awaitServiceRunning(sink);
    }

    @Test
    void healthChecksFillTheStatusAndAHealthyPipelineAddsNoEvents() {
        String id = create(false);
        api.awaitStatus(id, "Running", PROVISIONED_WITHIN);
        JsonNode checked = awaitCheckedAfter(id, Instant.EPOCH);
        assertThat(checked.get("source_lag_bytes").isIntegralNumber()).isTrue();
        assertThat(checked.get("source_lag_bytes").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(checked.get("retained_wal_bytes").asLong()).isGreaterThanOrEqualTo(0);
        List<String> events = api.eventTypes(id);

        JsonNode later = awaitCheckedAfter(id, Instant.parse(checked.get("last_health_check_at").asText()));
        awaitCheckedAfter(id, Instant.parse(later.get("last_health_check_at").asText()));

        assertThat(api.eventTypes(id)).isEqualTo(events);
        assertThat(later.get("status").asText()).isEqualTo("Running");
        assertThat(later.get("warnings")).isEmpty();
    }

    @Test
    void aConnectorPausedAndResumedOnTheWorkerPausesAndResumesThePipeline() {
        String id = create(false);
        api.awaitStatus(id, "Running", PROVISIONED_WITHIN);

        api.connectPut("/connectors/" + connectorName(id) + "/pause");
        JsonNode paused = api.awaitStatus(id, "Paused", NOTICED_WITHIN);
        assertThat(paused.get("connector_state").asText()).isEqualTo("PAUSED");
        assertThat(paused.get("warnings").toString()).contains("keeps its replication slot");

        api.connectPut("/connectors/" + connectorName(id) + "/resume");
        JsonNode resumed = api.awaitStatus(id, "Running", NOTICED_WITHIN);
        await().atMost(NOTICED_WITHIN).until(() ->
                "RUNNING".equals(api.get("/pipelines/" + id + "/status").get("connector_state").asText()));
        assertThat(resumed.get("error_message").isNull()).isTrue();
        assertThat(api.get(PipewrightClient.PIPELINES + "/" + id + "/events").toString())
                .contains("\"cause\":\"CONNECTOR\"");
    }

    @Test
    void pausingThroughPipewrightHoldsTheConnectorPausedEvenWhenResumedOnTheWorker() throws Exception {
        String id = create(false);
        api.awaitStatus(id, "Running", PROVISIONED_WITHIN);
        String topic = "t" + suffix + ".public.orders";
        try (KafkaConsumer<String, String> consumer = ChangeTopics.consumer(stack, topic)) {
            ChangeTopics.snapshot(consumer);

            api.call("POST", PipewrightClient.PIPELINES + "/" + id + "/pause", null, 202);
            assertThat(api.get("/pipelines/" + id + "/status").get("status").asText()).isEqualTo("Paused");
            awaitConnectorState(id, "PAUSED");

            int eventsBefore = api.eventTypes(id).size();
            api.connectPut("/connectors/" + connectorName(id) + "/resume");
            await().atMost(NOTICED_WITHIN).until(() -> api.eventTypes(id).size() > eventsBefore);
            awaitConnectorState(id, "PAUSED");
            assertThat(api.get("/pipelines/" + id + "/status").get("status").asText()).isEqualTo("Paused");

            long orderId = insertOrder();
            assertThat(readFor(consumer, Duration.ofSeconds(3))).isEmpty();

            api.call("POST", PipewrightClient.PIPELINES + "/" + id + "/resume", null, 202);
            awaitConnectorState(id, "RUNNING");
            List<JsonNode> changes = ChangeTopics.poll(consumer, 1);
            assertThat(changes.get(0).at("/after/id").asLong()).isEqualTo(orderId);
            assertThat(api.awaitStatus(id, "Running", NOTICED_WITHIN).get("warnings")).isEmpty();
        }
    }

    @Test
    void aPipelineCreatedPausedProvisionsFullyAndStreamsOnlyOnceResumed() throws Exception {
        String id = create(true);
        JsonNode paused = api.awaitStatus(id, "Paused", PROVISIONED_WITHIN);
        assertThat(paused.get("connector_state").asText()).isEqualTo("PAUSED");
        awaitConnectorState(id, "PAUSED");
        long orderId = insertOrder();
        String topic = "t" + suffix + ".public.orders";
        try (KafkaConsumer<String, String> consumer = ChangeTopics.consumer(stack, topic)) {
            assertThat(readFor(consumer, Duration.ofSeconds(3))).isEmpty();

            Instant resumedAt = Instant.now();
            api.call("POST", PipewrightClient.PIPELINES + "/" + id + "/resume", null, 202);
            api.awaitStatus(id, "Running", NOTICED_WITHIN);
            List<JsonNode> changes = new ArrayList<>();
            await().atMost(NOTICED_WITHIN).until(() -> {
                changes.addAll(ChangeTopics.pollOnce(consumer));
                return changes.stream().anyMatch(change -> change.at("/after/id").asLong() == orderId);
            });
            assertThat(changes).allSatisfy(change -> assertThat(change.at("/source/ts_ms").asLong())
                    .isGreaterThanOrEqualTo(resumedAt.toEpochMilli()));
        }
    }

    private String create(boolean paused) {
        Map<String, Object> body = new HashMap<>(Map.of("name", "ops-" + suffix, "pipeline_type", "cdc_pg_to_kafka",
                "source_service_id", source, "sink_service_id", sink,
                "config", Map.of("tables", List.of("orders"), "topic_prefix", "t" + suffix)));
        if (paused) {
            body.put("paused", true);
        }
        return api.call("POST", PipewrightClient.PIPELINES, body, 202).get("id").asText();
    }

    private JsonNode awaitCheckedAfter(String id, Instant after) {
        await().atMost(NOTICED_WITHIN).until(() -> {
            JsonNode checkedAt = api.get("/pipelines/" + id + "/status").get("last_health_check_at");
            return !checkedAt.isNull() && Instant.parse(checkedAt.asText()).isAfter(after);
        });
        return api.get("/pipelines/" + id + "/status");
    }

    /** The connector and every task in {@code state}: Connect pauses the connector first, its tasks after. */
    private void awaitConnectorState(String id, String state) {
        await().atMost(NOTICED_WITHIN).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonNode status = api.connect("/connectors/" + connectorName(id) + "/status");
            boolean tasksToo = true;
            for (JsonNode task : status.get("tasks")) {
                tasksToo &= state.equals(task.get("state").asText());
            }
            return state.equals(status.at("/connector/state").asText()) && tasksToo;
        });
    }

    private static List<JsonNode> readFor(KafkaConsumer<String, String> consumer, Duration duration) {
        Instant until = Instant.now().plus(duration);
        List<JsonNode> changes = new ArrayList<>();
        while (Instant.now().isBefore(until)) {
            changes.addAll(ChangeTopics.pollOnce(consumer));
        }
        return changes;
    }

    private long insertOrder() throws Exception {
        try (var connection = stack.source().connect(LocalStack.SOURCE_DATABASE);
             var statement = connection.createStatement();
             var inserted = statement.executeQuery(
                     "INSERT INTO public.orders (customer_id, status, total) VALUES (1, 'NEW', 5.00) RETURNING id")) {
            inserted.next();
            return inserted.getLong(1);
        }
    }

    private static String connectorName(String id) {
        return "mdb-pipeline-" + id.substring(0, 8);
    }
}
