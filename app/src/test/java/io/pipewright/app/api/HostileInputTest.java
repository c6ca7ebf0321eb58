package io.pipewright.app.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Oversized, malformed and hostile requests get a 4xx with a problem body naming what is wrong, and change nothing:
 * no service, no pipeline, no event.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class HostileInputTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SERVICE_ID = UUID.randomUUID().toString();

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;

    @Test
    void aBodyLargerThan64KiBIsRefusedWith413BeforeItIsRead() {
        String huge = "{\"name\":\"" + "x".repeat(70_000) + "\"}";
        JsonNode problem = refused("/managed-services", huge, 413);
        assertThat(problem.get("detail").asText()).contains("at most 65536");
        nothingChanged();
    }

    @Test
    void malformedJsonIsRefusedWith400() {
        refused(PipewrightClient.PIPELINES, "{\"name\": \"unterminated", 400);
        refused(PipewrightClient.PIPELINES, "[1, 2, 3]", 400);
        nothingChanged();
    }

    @Test
    void hostileNamesTablesAndPathsAreRefusedNamingTheFieldAndRule() {
        assertThat(refusedPipeline("x".repeat(10_000), List.of("orders"))).contains("name");
        assertThat(refusedPipeline("bad\u0000name\r\n", List.of("orders"))).contains("name");
        assertThat(refusedPipeline("sql-tables", List.of("orders; DROP TABLE customers"))).contains("config.tables");
        assertThat(refusedPipeline("quoted-tables", List.of("public.\"orders\"--"))).contains("config.tables");
        assertThat(refusedPipeline("../../etc/passwd", List.of("orders"))).contains("name");
        JsonNode pathTrick = refused("/managed-services", json(Map.of("name", "sneaky", "database_type", "kafka",
                "zone", "local", "addons", List.of("kafka-connect"), "kafka", Map.of(
                        "bootstrap_servers", "127.0.0.1:9092", "kafka_connect", Map.of("url", "http://127.0.0.1:8083",
                                "plugin_installation", "shared_directory", "plugin_path", "/opt/../../etc")))), 400);
        assertThat(pathTrick.toString()).contains("kafka.kafka_connect.plugin_path");
        JsonNode secretsTrick = refused("/managed-services", json(Map.of("name", "sneaky-secrets", "database_type",
                "kafka", "zone", "local", "addons", List.of("kafka-connect"), "kafka", Map.of(
                        "bootstrap_servers", "127.0.0.1:9092", "kafka_connect", Map.of("url", "http://127.0.0.1:8083",
                                "secrets_directory", "/run/x:${env:HOME}")))), 400);
        assertThat(secretsTrick.toString()).contains("kafka.kafka_connect.secrets_directory");
        nothingChanged();
    }

    private String refusedPipeline(String name, List<String> tables) {
        return refused(PipewrightClient.PIPELINES, json(Map.of("name", name, "pipeline_type", "cdc_pg_to_kafka",
                "source_service_id", SERVICE_ID, "sink_service_id", SERVICE_ID,
                "config", Map.of("tables", tables))), 400).toString();
    }

    private JsonNode refused(String path, String body, int status) {
        JsonNode problem = PipewrightClient.read(web.post().uri(path)
                .headers(headers -> headers.setBasicAuth(ApiClient.USERNAME, ApiClient.PASSWORD))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().returnResult().getResponseBody());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        return problem;
    }

    private void nothingChanged() {
        PipewrightClient api = new PipewrightClient(web, ControlPlaneDatabase.stack());
        assertThat(api.get(PipewrightClient.PIPELINES)).isEmpty();
        assertThat(api.get("/managed-services")).isEmpty();
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
