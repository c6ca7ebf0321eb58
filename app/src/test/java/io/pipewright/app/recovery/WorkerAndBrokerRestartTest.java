package io.pipewright.app.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ChangeTopics;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalStack;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 * The Kafka Connect worker, then the Kafka broker, restarted under a Running pipeline while rows are written without
 * pause: the pipeline is Running again by itself, and every acknowledged row is in Kafka.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class WorkerAndBrokerRestartTest {

    private static final Duration RECOVERED_WITHIN = Duration.ofMinutes(3);

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;

    private final LocalStack stack = ControlPlaneDatabase.stack();
    private final String suffix = UUID.randomUUID().toString().substring(0, 8);
    private final String table = "numbered_" + suffix;

    @AfterEach
    void dropTable() {
        stack.source().execute(LocalStack.SOURCE_DATABASE, "DROP TABLE IF EXISTS " + table);
    }

    @Test
    void aPipelineRecoversFromARestartOfItsConnectWorkerAndOfItsKafkaBrokerWithNoRowLost() throws Exception {
        PipewrightClient api = new PipewrightClient(web, stack);
        stack.source().execute(LocalStack.SOURCE_DATABASE, "CREATE TABLE " + table + " (n bigint PRIMARY KEY)");
        String source = api.register(api.source("restart-source-" + suffix, "local"));
        String sink = api.register(api.sink("restart-kafka-" + suffix, "local", stack.connect().restUrl()));
        api.awaitServiceRunning(source);
        api.awaitServiceRunning(sink);
        String id = api.call("POST", PipewrightClient.PIPELINES, Map.of("name", "restart-" + suffix,
                "pipeline_type", "cdc_pg_to_kafka", "source_service_id", source, "sink_service_id", sink,
                "config", Map.of("tables", List.of(table), "topic_prefix", "r" + suffix)), 202).get("id").asText();
        api.awaitStatus(id, "Running", Duration.ofMinutes(4));

        try (KafkaConsumer<String, String> consumer = ChangeTopics.consumer(stack, "r" + suffix + ".public." + table);
             NumberedRowWriter writer = new NumberedRowWriter(List.of(stack.source()), LocalStack.SOURCE_DATABASE,
                     table)) {
            writer.start();
            awaitMoreRows(writer, 50);

            stack.connect().restart();
            awaitRecovered(api, id);
            awaitMoreRows(writer, 50);

            stack.kafka().restart();
            awaitRecovered(api, id);
            awaitMoreRows(writer, 50);

            writer.close();
            assertThat(DeliveredRows.read(consumer, writer.committed()).lost())
                    .as("acknowledged rows missing from Kafka").isEmpty();
        }
        assertThat(api.get("/pipelines/" + id + "/status").get("status").asText()).isEqualTo("Running");

        api.call("DELETE", PipewrightClient.PIPELINES + "/" + id, null, 202);
        api.awaitEvent(id, "PipelineDeleted", Duration.ofMinutes(2));
    }

    private static void awaitMoreRows(NumberedRowWriter writer, int rows) {
        int before = writer.committedCount();
        await().atMost(Duration.ofSeconds(60)).until(() -> writer.committedCount() >= before + rows);
    }

    /** Connect runs the connector and its task again, and the pipeline's status says so. */
    private static void awaitRecovered(PipewrightClient api, String id) {
        String connector = "/connectors/mdb-pipeline-" + id.substring(0, 8) + "/status";
        await().atMost(RECOVERED_WITHIN).pollInterval(Duration.ofMillis(500)).ignoreExceptions().until(() -> {
            JsonNode status = api.connect(connector);
            JsonNode tasks = status.get("tasks");
            return "RUNNING".equals(status.at("/connector/state").asText()) && tasks.size() == 1
                    && "RUNNING".equals(tasks.get(0).get("state").asText());
        });
        await().atMost(RECOVERED_WITHIN).until(() -> {
            JsonNode status = api.get("/pipelines/" + id + "/status");
            return "Running".equals(status.get("status").asText())
                    && "RUNNING".equals(status.get("connector_state").asText());
        });
    }
}
