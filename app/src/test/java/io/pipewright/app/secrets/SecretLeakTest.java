package io.pipewright.app.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A whole lifecycle (register, create, Running, pause, resume, delete), then a search for every password it used (the
 * source's admin password, the API user's, the connector's generated one) in every API response, the application's
 * log, and every serialized message the control plane stored (events and their metadata, sagas, deadlines, tokens):
 * zero hits. Connect's config topic is not searched here: the connector's password is still in its config (see the
 * README, Secrets).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT60S")
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class SecretLeakTest {

    private static final String API_PASSWORD = "test-admin-password";

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void noPasswordIsInAnyResponseLogLineOrStoredMessage(CapturedOutput log) {
        LocalStack stack = ControlPlaneDatabase.stack();
        PipewrightClient api = new PipewrightClient(web, stack);
        List<JsonNode> responses = new ArrayList<>();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String source = api.register(api.source("leak-source-" + suffix, "local"));
        String sink = api.register(api.sink("leak-kafka-" + suffix, "local", stack.connect().restUrl()));
        api.awaitServiceRunning(source);
        api.awaitServiceRunning(sink);
        String pipelines = PipewrightClient.PIPELINES;
        JsonNode created = api.call("POST", pipelines, Map.of("name", "leak-" + suffix, "pipeline_type",
                "cdc_pg_to_kafka", "source_service_id", source, "sink_service_id", sink,
                "config", Map.of("tables", List.of("orders"), "topic_prefix", "l" + suffix)), 202);
        responses.add(created);
        String id = created.get("id").asText();
        responses.add(api.awaitStatus(id, "Running", Duration.ofMinutes(4)));
        String connectorPassword = api.connect("/connectors/mdb-pipeline-" + id.substring(0, 8) + "/config")
                .get("database.password").asText();
        responses.add(api.call("POST", pipelines + "/" + id + "/pause", null, 202));
        responses.add(api.call("POST", pipelines + "/" + id + "/resume", null, 202));
        responses.add(api.awaitStatus(id, "Running", Duration.ofMinutes(1)));
        responses.add(api.get("/managed-services"));
        responses.add(api.get("/managed-services/" + source));
        responses.add(api.get(pipelines));
        responses.add(api.get(pipelines + "/" + id));
        responses.add(api.get("/organizations"));
        responses.add(api.call("DELETE", pipelines + "/" + id, null, 202));
        await().atMost(Duration.ofMinutes(2)).until(() -> api.eventTypes(id).contains("PipelineDeleted"));
        JsonNode events = api.get(pipelines + "/" + id + "/events");
        responses.add(events);
        responses.add(api.call("POST", pipelines, Map.of("name", "leak-refused-" + suffix), 400));

        List<String> passwords = List.of(stack.source().superuserPassword(), API_PASSWORD, connectorPassword);
        for (String password : passwords) {
            assertThat(responses).allSatisfy(response -> assertThat(response.toString()).doesNotContain(password));
            assertThat(log.getAll()).doesNotContain(password);
            assertThat(storedMessagesContaining(password)).as("stored messages holding a password").isZero();
        }
        assertThat(events).as("the whole history was searched").hasSizeGreaterThan(10);
        assertThat(log.getAll()).as("the application's log was captured").contains("AdminClientConfig values");
    }

    private long storedMessagesContaining(String password) {
        String matches = "position(convert_to(?, 'UTF8') in %s) > 0";
        return count("domain_event_entry", matches.formatted("payload") + " OR " + matches.formatted("meta_data"),
                password, password)
                + count("saga_entry", matches.formatted("serialized_saga"), password)
                + count("token_entry", "token IS NOT NULL AND " + matches.formatted("token"), password)
                + count("scheduled_tasks", "task_data IS NOT NULL AND " + matches.formatted("task_data"), password);
    }

    private long count(String table, String condition, Object... parameters) {
        return jdbc.queryForObject("SELECT count(*) FROM " + table + " WHERE " + condition, Long.class, parameters);
    }
}
