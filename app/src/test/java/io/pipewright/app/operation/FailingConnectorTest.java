package io.pipewright.app.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.app.support.SourceSlots;
import io.pipewright.localstack.LocalStack;
import java.nio.file.Files;
import java.time.Duration;
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
 * A Debezium task that fails for good on the real stack (its publication dropped behind Pipewright's back, and left
 * dropped under the report drift policy, so decoding the next change fails every time): the trace shows in the status, degraded, while the task is restarted with
 * backoff, and once the pipeline's retry window (one minute here) is over the pipeline is Failed with it, its
 * connector stopped (not deleted) and its replication slot kept.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class FailingConnectorTest {

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;

    @Test
    void aTaskThatKeepsFailingIsRestartedForTheRetryWindowThenThePipelineFailsKeepingItsSlot() throws Exception {
        LocalStack stack = ControlPlaneDatabase.stack();
        PipewrightClient api = new PipewrightClient(web, stack);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String source = api.register(api.source("failing-source-" + suffix, "local"));
        String sink = api.register(api.sink("failing-kafka-" + suffix, "local", stack.connect().restUrl()));
        api.awaitServiceRunning(source);
        api.awaitServiceRunning(sink);
        String id = api.call("POST", PipewrightClient.PIPELINES, Map.of("name", "failing-" + suffix,
                "pipeline_type", "cdc_pg_to_kafka", "source_service_id", source, "sink_service_id", sink,
                "config", Map.of("tables", List.of("orders"), "topic_prefix", "x" + suffix,
                        "retry_window_minutes", 1, "drift_policy", "report")), 202).get("id").asText();
        api.awaitStatus(id, "Running", Duration.ofMinutes(4));
        String password = Files.readString(stack.connect().secretsPath().resolve("pipewright_"
                + id.replace("-", "")));

        stack.source().execute(LocalStack.SOURCE_DATABASE, "DROP PUBLICATION pipewright_" + id.replace("-", "")
                + "; INSERT INTO public.orders (customer_id, status, total) VALUES (1, 'NEW', 1.00)");

        await().atMost(Duration.ofMinutes(1)).until(() ->
                !api.get("/pipelines/" + id + "/status").get("error_message").isNull());
        JsonNode failing = api.get("/pipelines/" + id + "/status");
        assertThat(failing.get("status").asText()).isEqualTo("Running");
        assertThat(failing.get("health").asText()).isEqualTo("degraded");
        assertThat(failing.get("task_states").toString()).contains("FAILED");
        assertThat(failing.get("error_message").asText()).containsIgnoringCase("publication").doesNotContain(password);

        JsonNode failed = api.awaitStatus(id, "Failed", Duration.ofMinutes(5));
        assertThat(failed.get("error_message").asText()).startsWith("connector task failed: ")
                .doesNotContain(password);
        assertThat(failed.get("health").asText()).isEqualTo("broken");
        assertThat(api.eventTypes(id)).contains("ConnectorRestarted");
        await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() -> "STOPPED".equals(
                api.connect("/connectors/mdb-pipeline-" + id.substring(0, 8) + "/status").at("/connector/state")
                        .asText()));
        assertThat(SourceSlots.exists(stack.source(), "pipewright_" + id.replace("-", ""))).isTrue();

        api.call("DELETE", PipewrightClient.PIPELINES + "/" + id, null, 202);
        api.awaitEvent(id, "PipelineDeleted", Duration.ofMinutes(2));
    }
}
