package io.pipewright.app.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ChangeTopics;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalStack;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * One pipeline of an outage test on the shared stack, streaming a numbered table of its own, and what the outage
 * tests ask of it: that it is Running, that it stays so for an outage's length (never Failed), that it is healthy
 * again, and that every acknowledged row reached Kafka as a change and none was snapshotted again. Shared by the
 * outage tests so that each one only says how it breaks the stack.
 */
final class OutagePipeline {

    /** How long an outage lasts: {@code pipewright.test.outage} (ISO-8601), the three minutes by default. */
    static final Duration OUTAGE = Duration.parse(System.getProperty("pipewright.test.outage", "PT3M"));
    static final Duration RECOVERED_WITHIN = Duration.ofMinutes(3);

    private final PipewrightClient api;
    private final LocalStack stack;
    private final String name;
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);

    /** {@code name}: a short word the pipeline, its services, its table and its topic prefix are named after. */
    OutagePipeline(PipewrightClient api, LocalStack stack, String name) {
        this.api = api;
        this.stack = stack;
        this.name = name;
    }

    String table() {
        return name + "_" + suffix;
    }

    String topic() {
        return name.charAt(0) + suffix + ".public." + table();
    }

    /** Creates the table, registers the services and the pipeline with {@code extraConfig}; waits until Running. */
    String start(Map<String, Object> extraConfig) {
        stack.source().execute(LocalStack.SOURCE_DATABASE, "CREATE TABLE " + table() + " (n bigint PRIMARY KEY)");
        String source = api.register(api.source(name + "-source-" + suffix, "local"));
        String sink = api.register(api.sink(name + "-kafka-" + suffix, "local", stack.connect().restUrl()));
        api.awaitServiceRunning(source);
        api.awaitServiceRunning(sink);
        Map<String, Object> config = new HashMap<>(Map.of("tables", List.of(table()),
                "topic_prefix", name.charAt(0) + suffix));
        config.putAll(extraConfig);
        String id = api.call("POST", PipewrightClient.PIPELINES, Map.of("name", name + "-" + suffix,
                "pipeline_type", "cdc_pg_to_kafka", "source_service_id", source, "sink_service_id", sink,
                "config", config), 202).get("id").asText();
        api.awaitStatus(id, "Running", Duration.ofMinutes(4));
        return id;
    }

    NumberedRowWriter writer() {
        return new NumberedRowWriter(List.of(stack.source()), LocalStack.SOURCE_DATABASE, table());
    }

    KafkaConsumer<String, String> consumer() {
        return ChangeTopics.consumer(stack, topic());
    }

    JsonNode status(String id) {
        return api.get("/pipelines/" + id + "/status");
    }

    boolean failed(String id) {
        return "Failed".equals(status(id).get("status").asText());
    }

    /** The outage's length from now, ended early only if the pipeline is Failed (which the caller then asserts). */
    void rideOut(String id) {
        Instant outageEnds = Instant.now().plus(OUTAGE);
        await().atMost(OUTAGE.plusSeconds(10)).pollInterval(Duration.ofSeconds(2))
                .until(() -> !Instant.now().isBefore(outageEnds) || failed(id));
        assertThat(api.eventTypes(id)).as("events of pipeline " + id).doesNotContain("PipelineFailed");
    }

    static String connectorStatus(String id) {
        return "/connectors/mdb-pipeline-" + id.substring(0, 8) + "/status";
    }

    /** Connect runs the task again, and the status says Running and healthy, with no restart pending. */
    void awaitHealthy(String id) {
        await().atMost(RECOVERED_WITHIN).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            JsonNode tasks = api.connect(connectorStatus(id)).get("tasks");
            return tasks.size() == 1 && "RUNNING".equals(tasks.get(0).get("state").asText());
        });
        await().atMost(RECOVERED_WITHIN).until(() -> {
            JsonNode status = status(id);
            return "Running".equals(status.get("status").asText())
                    && "healthy".equals(status.get("health").asText());
        });
    }

    static void awaitMoreRows(NumberedRowWriter writer, int rows) {
        int before = writer.committedCount();
        await().atMost(Duration.ofSeconds(60)).until(() -> writer.committedCount() >= before + rows);
    }

    /** Every acknowledged row arrived as a change ({@code op} c), and none was read by a new snapshot ({@code op} r). */
    static void assertEveryRowStreamedOnce(KafkaConsumer<String, String> consumer, Set<Long> committed) {
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

    void delete(String id) {
        api.call("DELETE", PipewrightClient.PIPELINES + "/" + id, null, 202);
        api.awaitEvent(id, "PipelineDeleted", Duration.ofMinutes(2));
    }

    void dropTable() {
        stack.source().execute(LocalStack.SOURCE_DATABASE, "DROP TABLE IF EXISTS " + table());
    }
}
