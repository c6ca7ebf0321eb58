package io.pipewright.app.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalStack;
import io.pipewright.sagas.provisioning.PipelineSaga;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A log line written by a provisioning step (here: the table to capture does not exist), on a deadline's thread after
 * the request was answered, names the pipeline, its organization and the id of the request that created it; every
 * answer carries its request id; Spring Boot's structured JSON logs show those names as fields.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class PipelineLogContextTest {

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;

    private final LocalStack stack = ControlPlaneDatabase.stack();
    private final ListAppender<ILoggingEvent> sagaLog = new ListAppender<>();
    private PipewrightClient api;
    private String suffix;

    @BeforeEach
    void captureTheSagasLog() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        api = new PipewrightClient(web, stack);
        sagaLog.start();
        sagaLogger().addAppender(sagaLog);
    }

    @AfterEach
    void release() {
        sagaLogger().detachAppender(sagaLog);
    }

    @Test
    void aStepsLogLineNamesThePipelineItsOrganizationAndTheRequestThatCreatedIt() throws Exception {
        String source = api.register(api.source("source-" + suffix, "local"));
        String sink = api.register(api.sink("kafka-" + suffix, "local", stack.connect().restUrl()));
        // Both Running before the create: the pipeline then goes on from its creation's events, not from a status
        // change of a service (which would carry that service's chain of ids, not this request's).
        api.awaitServiceRunning(source);
        api.awaitServiceRunning(sink);
        String requestId = "create-" + suffix;

        String pipelineId = new ObjectMapper().readTree(web.post().uri(PipewrightClient.PIPELINES)
                        .headers(headers -> headers.setBasicAuth("test-admin", "test-admin-password"))
                        .header("X-Request-Id", requestId)
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("name", "p-" + suffix, "pipeline_type", "cdc_pg_to_kafka",
                                "source_service_id", source, "sink_service_id", sink,
                                "config", Map.of("tables", List.of("missing_" + suffix))))
                        .exchange()
                        .expectStatus().isAccepted()
                        .expectHeader().valueEquals("X-Request-Id", requestId)
                        .expectBody().returnResult().getResponseBody())
                .get("id").asText();
        api.awaitStatus(pipelineId, "Failed", Duration.ofMinutes(2));

        ILoggingEvent failure = sagaLog.list.stream()
                .filter(event -> event.getFormattedMessage().startsWith("Pipeline " + pipelineId + " failed at step"))
                .findFirst().orElseThrow(() -> new AssertionError("no failure logged for " + pipelineId));
        assertThat(failure.getThreadName()).doesNotContain("http");
        assertThat(failure.getMDCPropertyMap())
                .containsEntry("pipeline_id", pipelineId)
                .containsEntry("organization_id", PipewrightClient.ORGANIZATION)
                .containsEntry("request_id", requestId);

        StructuredLogEncoder json = new StructuredLogEncoder();
        json.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
        json.setFormat("ecs");
        json.start();
        JsonNode line = new ObjectMapper().readTree(new String(json.encode(failure), StandardCharsets.UTF_8));
        assertThat(line.path("pipeline_id").asText()).isEqualTo(pipelineId);
        assertThat(line.path("request_id").asText()).isEqualTo(requestId);
        assertThat(line.path("organization_id").asText()).isEqualTo(PipewrightClient.ORGANIZATION);
    }

    @Test
    void aPipelineWokenByItsServicesStillLogsUnderItsOwnIdAndOrganization() {
        String source = api.register(api.source("source-" + suffix + "-waited", "local"));
        String sink = api.register(api.sink("kafka-" + suffix + "-waited", "local", stack.connect().restUrl()));
        String pipelineId = api.call("POST", PipewrightClient.PIPELINES, Map.of("name", "p-" + suffix + "-waited",
                "pipeline_type", "cdc_pg_to_kafka", "source_service_id", source, "sink_service_id", sink,
                "config", Map.of("tables", List.of("missing_" + suffix))), 202).get("id").asText();
        api.awaitStatus(pipelineId, "Failed", Duration.ofMinutes(2));

        ILoggingEvent failure = sagaLog.list.stream()
                .filter(event -> event.getFormattedMessage().startsWith("Pipeline " + pipelineId + " failed at step"))
                .findFirst().orElseThrow(() -> new AssertionError("no failure logged for " + pipelineId));
        assertThat(failure.getMDCPropertyMap())
                .containsEntry("pipeline_id", pipelineId)
                .containsEntry("organization_id", PipewrightClient.ORGANIZATION);
    }

    @Test
    void everyAnswerHasARequestIdAndOnlyAWellFormedOneIsTakenFromTheClient() {
        String unauthenticated = web.get().uri("/pipelines/" + UUID.randomUUID() + "/status").exchange()
                .expectStatus().isUnauthorized()
                .returnResult(String.class).getResponseHeaders().getFirst("X-Request-Id");
        assertThat(unauthenticated).matches("[0-9a-f-]{36}");

        String hostile = "x".repeat(65);
        String replaced = web.get().uri("/managed-services")
                .headers(headers -> headers.setBasicAuth("test-admin", "test-admin-password"))
                .header("X-Request-Id", hostile)
                .exchange()
                .expectStatus().isOk()
                .returnResult(String.class).getResponseHeaders().getFirst("X-Request-Id");
        assertThat(replaced).isNotEqualTo(hostile).matches("[0-9a-f-]{36}");
    }

    private static Logger sagaLogger() {
        return (Logger) LoggerFactory.getLogger(PipelineSaga.class);
    }
}
