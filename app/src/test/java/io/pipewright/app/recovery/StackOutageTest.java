package io.pipewright.app.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.OnOutageStack;
import io.pipewright.app.support.OutageStack;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
 * The shared stack itself going away under a Running pipeline while numbered rows are written without pause, one
 * outage after the other on the same pipeline and writer (each of {@code pipewright.test.outage}, three minutes by
 * default): the source PostgreSQL stopped and started again on the same data directory and port, the Kafka Connect
 * worker stopped, and the source frozen (SIGSTOP to the postmaster and every process it forked) then continued. Each
 * is ridden out: never Failed, and once it ends the pipeline is healthy again by itself, without anyone calling
 * restart; at the end every acknowledged row is in Kafka, none snapshotted again. While the source is stopped, and
 * while the worker is down, the pipeline shows {@code degraded} (the health round records that the worker does not
 * answer, and stores since when the source does not); a frozen source is seen only once the slot query's bound
 * ({@code pipewright.health.call-timeout}, two minutes) is over, so it is not asserted. The source and
 * the worker are always started or continued again, even when an assertion fails, since the next test class uses them.
 */
@OnOutageStack
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class StackOutageTest {

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;

    private final LocalStack stack = OutageStack.stack();
    private final List<Long> frozen = new ArrayList<>();
    private OutagePipeline pipeline;

    @AfterEach
    void bringTheStackBackAndDropTable() {
        thaw();
        stack.source().start();
        stack.connect().start();
        if (pipeline != null) {
            pipeline.dropTable();
        }
    }

    @Test
    void aPipelineRidesOutItsSourceStoppedItsWorkerStoppedAndItsSourceFrozenWithNoRowLostAndNoNewSnapshot()
            throws Exception {
        PipewrightClient api = new PipewrightClient(web, stack);
        pipeline = new OutagePipeline(api, stack, "stack");
        String id = pipeline.start(Map.of());
        int port = stack.source().port();

        try (KafkaConsumer<String, String> consumer = pipeline.consumer();
             NumberedRowWriter writer = pipeline.writer()) {
            writer.start();
            OutagePipeline.awaitMoreRows(writer, 50);

            stack.source().stop();
            awaitDegraded(id);
            pipeline.rideOut(id);
            stack.source().start();
            assertThat(stack.source().port()).isEqualTo(port);
            pipeline.awaitHealthy(id);
            OutagePipeline.awaitMoreRows(writer, 50);

            stack.connect().stop();
            assertThat(awaitDegraded(id).get("error_message").asText())
                    .startsWith("the Kafka Connect worker did not answer");
            pipeline.rideOut(id);
            stack.connect().start();
            pipeline.awaitHealthy(id);
            assertThat(pipeline.status(id).get("error_message").isNull()).isTrue();
            OutagePipeline.awaitMoreRows(writer, 50);

            freeze(stack.source());
            pipeline.rideOut(id);
            thaw();
            pipeline.awaitHealthy(id);
            OutagePipeline.awaitMoreRows(writer, 50);

            writer.close();
            OutagePipeline.assertEveryRowStreamedOnce(consumer, writer.committed());
        }
        assertThat(api.eventTypes(id)).doesNotContain("PipelineFailed", "PipelineRestartRequested");
        pipeline.delete(id);
    }

    /** The status says Running, degraded, with an error message: what the user sees while nothing flows. */
    private JsonNode awaitDegraded(String id) {
        await().atMost(Duration.ofMinutes(1)).until(() -> "degraded".equals(pipeline.status(id).get("health")
                .asText()));
        JsonNode degraded = pipeline.status(id);
        assertThat(degraded.get("status").asText()).isEqualTo("Running");
        assertThat(degraded.get("error_message").isNull()).isFalse();
        return degraded;
    }

    /**
     * SIGSTOP to the postmaster, then to every process it forked (listed once it is stopped, so it forks no more):
     * the server keeps its sockets open and answers nothing, as a hung host would.
     */
    private void freeze(PostgresServer server) {
        long postmaster = server.pid();
        signal("STOP", postmaster);
        frozen.add(postmaster);
        ProcessHandle.of(postmaster).orElseThrow().descendants().map(ProcessHandle::pid).forEach(pid -> {
            signal("STOP", pid);
            frozen.add(pid);
        });
    }

    /** SIGCONT to every process {@link #freeze} stopped, children first. */
    private void thaw() {
        for (int i = frozen.size() - 1; i >= 0; i--) {
            signal("CONT", frozen.get(i));
        }
        frozen.clear();
    }

    private static void signal(String signal, long pid) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(pid))
                    .redirectErrorStream(true).redirectOutput(Redirect.DISCARD).start();
            assertThat(kill.waitFor(10, TimeUnit.SECONDS)).as("kill -s " + signal + " " + pid).isTrue();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
