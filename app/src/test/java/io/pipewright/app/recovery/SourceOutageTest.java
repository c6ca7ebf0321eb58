package io.pipewright.app.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ChangeTopics;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.app.support.SourceSlots;
import io.pipewright.localstack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The source refusing the pipeline's role (a pg_hba reject line for it above Pipewright's, its sessions ended) while
 * numbered rows are written without pause, on the shared stack (only this pipeline's role is refused). Within the
 * retry window the pipeline rides it out: degraded, never Failed, and once the source accepts the role again every
 * acknowledged row is in Kafka, nothing snapshotted again, without anyone calling restart. Past a short window
 * (one minute) it is Failed with its slot and offsets kept, and {@code restart} resumes it with no row lost and none
 * snapshotted again. The outage lasts {@code pipewright.test.outage} (ISO-8601, the three minutes by default).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class SourceOutageTest {

    private static final Duration OUTAGE = Duration.parse(System.getProperty("pipewright.test.outage", "PT3M"));
    private static final Duration RECOVERED_WITHIN = Duration.ofMinutes(3);

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;

    private final LocalStack stack = ControlPlaneDatabase.stack();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String table = "outage_" + suffix;
    private final String rejectTag = "# outage-test:" + suffix;

    @AfterEach
    void acceptAgainAndDropTable() throws Exception {
        acceptAgain();
        stack.source().execute(LocalStack.SOURCE_DATABASE, "DROP TABLE IF EXISTS " + table);
    }

    @Test
    void aSourceRefusingThePipelineWithinItsWindowIsRiddenOutWithNoRowLostAndNoNewSnapshot() throws Exception {
        PipewrightClient api = new PipewrightClient(web, stack);
        String id = runningPipeline(api, Map.of());
        String topic = "o" + suffix + ".public." + table;

        try (KafkaConsumer<String, String> consumer = ChangeTopics.consumer(stack, topic);
             NumberedRowWriter writer = new NumberedRowWriter(List.of(stack.source()), LocalStack.SOURCE_DATABASE,
                     table)) {
            writer.start();
            awaitMoreRows(writer, 50);

            refuse(id);
            await().atMost(OUTAGE).until(() -> "degraded".equals(status(api, id).get("health").asText()));
            JsonNode degraded = status(api, id);
            assertThat(degraded.get("status").asText()).isEqualTo("Running");
            assertThat(degraded.get("error_message").isNull()).isFalse();
            Instant outageEnds = Instant.now().plus(OUTAGE);
            await().atMost(OUTAGE.plusSeconds(10)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> !Instant.now().isBefore(outageEnds) || failed(api, id));
            assertThat(api.eventTypes(id)).doesNotContain("PipelineFailed");
            acceptAgain();

            awaitHealthy(api, id);
            awaitMoreRows(writer, 50);
            writer.close();
            assertEveryRowStreamedOnce(consumer, writer.committed());
        }
        assertThat(api.eventTypes(id)).doesNotContain("PipelineFailed", "PipelineRestartRequested");
        delete(api, id);
    }

    @Test
    void aSourceRefusingThePipelinePastItsWindowFailsItKeepingItsSlotAndRestartResumesIt() throws Exception {
        PipewrightClient api = new PipewrightClient(web, stack);
        String id = runningPipeline(api, Map.of("retry_window_minutes", 1));
        String topic = "o" + suffix + ".public." + table;

        try (KafkaConsumer<String, String> consumer = ChangeTopics.consumer(stack, topic);
             NumberedRowWriter writer = new NumberedRowWriter(List.of(stack.source()), LocalStack.SOURCE_DATABASE,
                     table)) {
            writer.start();
            awaitMoreRows(writer, 50);

            refuse(id);
            JsonNode failed = api.awaitStatus(id, "Failed", Duration.ofMinutes(4));
            assertThat(failed.get("health").asText()).isEqualTo("broken");
            assertThat(failed.get("error_message").asText()).startsWith("connector task failed: ")
                    .contains("slot and offsets are kept");
            await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() -> "STOPPED".equals(
                    api.connect(connectorStatus(id)).at("/connector/state").asText()));
            assertThat(SourceSlots.exists(stack.source(), "pipewright_" + id.replace("-", ""))).isTrue();
            awaitMoreRows(writer, 50);

            acceptAgain();
            api.call("POST", PipewrightClient.PIPELINES + "/" + id + "/restart", Map.of("resnapshot", false), 202);
            awaitHealthy(api, id);
            awaitMoreRows(writer, 50);
            writer.close();
            assertEveryRowStreamedOnce(consumer, writer.committed());
        }
        assertThat(api.eventTypes(id)).contains("PipelineRestartRequested");
        api.call("POST", PipewrightClient.PIPELINES + "/" + id + "/restart", null, 409);
        delete(api, id);
    }

    private String runningPipeline(PipewrightClient api, Map<String, Object> extraConfig) {
        stack.source().execute(LocalStack.SOURCE_DATABASE, "CREATE TABLE " + table + " (n bigint PRIMARY KEY)");
        String source = api.register(api.source("outage-source-" + suffix, "local"));
        String sink = api.register(api.sink("outage-kafka-" + suffix, "local", stack.connect().restUrl()));
        api.awaitServiceRunning(source);
        api.awaitServiceRunning(sink);
        Map<String, Object> config = new java.util.HashMap<>(Map.of("tables", List.of(table),
                "topic_prefix", "o" + suffix));
        config.putAll(extraConfig);
        String id = api.call("POST", PipewrightClient.PIPELINES, Map.of("name", "outage-" + suffix,
                "pipeline_type", "cdc_pg_to_kafka", "source_service_id", source, "sink_service_id", sink,
                "config", config), 202).get("id").asText();
        api.awaitStatus(id, "Running", Duration.ofMinutes(4));
        return id;
    }

    /** A reject line for the pipeline's role above every other line (so above Pipewright's), then its sessions end. */
    private void refuse(String id) throws Exception {
        String role = "pipewright_" + id.replace("-", "");
        Path hba = stack.source().hbaFile();
        String reject = "host all " + role + " all reject " + rejectTag + "\n"
                + "host replication " + role + " all reject " + rejectTag + "\n";
        Files.writeString(hba, reject + Files.readString(hba));
        stack.source().execute(LocalStack.SOURCE_DATABASE, "SELECT pg_reload_conf()");
        SourceSlots.terminateSessionsOf(stack.source(), role);
    }

    private void acceptAgain() throws Exception {
        Path hba = stack.source().hbaFile();
        String content = Files.readString(hba);
        if (content.contains(rejectTag)) {
            StringBuilder without = new StringBuilder();
            content.lines().filter(line -> !line.contains(rejectTag)).forEach(line -> without.append(line)
                    .append('\n'));
            Files.writeString(hba, without.toString());
            stack.source().execute(LocalStack.SOURCE_DATABASE, "SELECT pg_reload_conf()");
        }
    }

    private static JsonNode status(PipewrightClient api, String id) {
        return api.get("/pipelines/" + id + "/status");
    }

    private static boolean failed(PipewrightClient api, String id) {
        return "Failed".equals(status(api, id).get("status").asText());
    }

    private static String connectorStatus(String id) {
        return "/connectors/mdb-pipeline-" + id.substring(0, 8) + "/status";
    }

    /** Connect runs the task again, and the status says Running and healthy, with no restart pending. */
    private static void awaitHealthy(PipewrightClient api, String id) {
        await().atMost(RECOVERED_WITHIN).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            JsonNode tasks = api.connect(connectorStatus(id)).get("tasks");
            return tasks.size() == 1 && "RUNNING".equals(tasks.get(0).get("state").asText());
        });
        await().atMost(RECOVERED_WITHIN).until(() -> {
            JsonNode status = status(api, id);
            return "Running".equals(status.get("status").asText())
                    && "healthy".equals(status.get("health").asText());
        });
    }

    private static void awaitMoreRows(NumberedRowWriter writer, int rows) {
        int before = writer.committedCount();
        await().atMost(Duration.ofSeconds(60)).until(() -> writer.committedCount() >= before + rows);
    }

    /** Every acknowledged row arrived as a change ({@code op} c), and none was read by a new snapshot ({@code op} r). */
    private static void assertEveryRowStreamedOnce(KafkaConsumer<String, String> consumer, Set<Long> committed) {
        Set<Long> numbers = new HashSet<>();
        Set<Long> snapshotted = new TreeSet<>();
        Instant giveUpAt = Instant.now().plus(Duration.ofMinutes(2));
        while (!numbers.containsAll(committed) && Instant.now().isBefore(giveUpAt)) {
            for (JsonNode change : ChangeTopics.pollOnce(consumer)) {
                long n = change.at("/after/n").asLong();
                numbers.add(n);
                if ("r".equals(change.at("/op").asText())) {
                    snapshotted.add(n);
                }
            }
        }
        Set<Long> lost = new TreeSet<>(committed);
        lost.removeAll(numbers);
        assertThat(lost).as("acknowledged rows missing from Kafka").isEmpty();
        assertThat(snapshotted).as("rows snapshotted again").isEmpty();
    }

    private static void delete(PipewrightClient api, String id) {
        api.call("DELETE", PipewrightClient.PIPELINES + "/" + id, null, 202);
        await().atMost(Duration.ofMinutes(2)).until(() -> api.eventTypes(id).contains("PipelineDeleted"));
    }
}
