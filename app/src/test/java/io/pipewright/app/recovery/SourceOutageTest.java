package io.pipewright.app.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.OnOutageStack;
import io.pipewright.app.support.OutageStack;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.app.support.SourceSlots;
import io.pipewright.localstack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterEach;
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
 * The source refusing the pipeline's role (a pg_hba reject line for it above Pipewright's, its sessions ended) while
 * numbered rows are written without pause, on the shared stack (only this pipeline's role is refused). Within the
 * retry window the pipeline rides it out: degraded, never Failed, and once the source accepts the role again every
 * acknowledged row is in Kafka, nothing snapshotted again, without anyone calling restart. Past a short window
 * (one minute) it is Failed with its slot and offsets kept, and {@code restart} resumes it with no row lost and none
 * snapshotted again. The outage lasts {@code pipewright.test.outage} (ISO-8601, the three minutes by default).
 */
@OnOutageStack
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class SourceOutageTest {

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;

    private final LocalStack stack = OutageStack.stack();
    private final String rejectTag = "# outage-test:" + UUID.randomUUID();
    private OutagePipeline pipeline;

    @BeforeEach
    void outagePipeline() {
        pipeline = new OutagePipeline(new PipewrightClient(web, stack), stack, "outage");
    }

    @AfterEach
    void acceptAgainAndDropTable() throws Exception {
        acceptAgain();
        pipeline.dropTable();
    }

    @Test
    void aSourceRefusingThePipelineWithinItsWindowIsRiddenOutWithNoRowLostAndNoNewSnapshot() throws Exception {
        PipewrightClient api = new PipewrightClient(web, stack);
        String id = pipeline.start(Map.of());

        try (KafkaConsumer<String, String> consumer = pipeline.consumer();
             NumberedRowWriter writer = pipeline.writer()) {
            writer.start();
            OutagePipeline.awaitMoreRows(writer, 50);

            refuse(id);
            await().atMost(OutagePipeline.OUTAGE).until(() -> "degraded".equals(pipeline.status(id).get("health")
                    .asText()));
            JsonNode degraded = pipeline.status(id);
            assertThat(degraded.get("status").asText()).isEqualTo("Running");
            assertThat(degraded.get("error_message").isNull()).isFalse();
            pipeline.rideOut(id);
            acceptAgain();

            pipeline.awaitHealthy(id);
            OutagePipeline.awaitMoreRows(writer, 50);
            writer.close();
            OutagePipeline.assertEveryRowStreamedOnce(consumer, writer.committed());
        }
        assertThat(api.eventTypes(id)).doesNotContain("PipelineFailed", "PipelineRestartRequested");
        pipeline.delete(id);
    }

    @Test
    void aSourceRefusingThePipelinePastItsWindowFailsItKeepingItsSlotAndRestartResumesIt() throws Exception {
        PipewrightClient api = new PipewrightClient(web, stack);
        String id = pipeline.start(Map.of("retry_window_minutes", 1));

        try (KafkaConsumer<String, String> consumer = pipeline.consumer();
             NumberedRowWriter writer = pipeline.writer()) {
            writer.start();
            OutagePipeline.awaitMoreRows(writer, 50);

            refuse(id);
            JsonNode failed = api.awaitStatus(id, "Failed", Duration.ofMinutes(4));
            assertThat(failed.get("health").asText()).isEqualTo("broken");
            assertThat(failed.get("error_message").asText()).startsWith("connector task failed: ")
                    .contains("slot and offsets are kept");
            await().atMost(Duration.ofMinutes(1)).ignoreExceptions().until(() -> "STOPPED".equals(
                    api.connect(OutagePipeline.connectorStatus(id)).at("/connector/state").asText()));
            assertThat(SourceSlots.exists(stack.source(), "pipewright_" + id.replace("-", ""))).isTrue();
            OutagePipeline.awaitMoreRows(writer, 50);

            acceptAgain();
            api.call("POST", PipewrightClient.PIPELINES + "/" + id + "/restart", Map.of("resnapshot", false), 202);
            pipeline.awaitHealthy(id);
            OutagePipeline.awaitMoreRows(writer, 50);
            writer.close();
            OutagePipeline.assertEveryRowStreamedOnce(consumer, writer.committed());
        }
        assertThat(api.eventTypes(id)).contains("PipelineRestartRequested");
        api.call("POST", PipewrightClient.PIPELINES + "/" + id + "/restart", null, 409);
        pipeline.delete(id);
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
}
