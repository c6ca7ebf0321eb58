package io.pipewright.app.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
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
 * A Running pipeline's resources altered by hand on the real source and worker: a table removed from the publication,
 * the pg_hba line deleted, SELECT revoked from the role, the connector's config edited on the worker. Each is
 * recorded as drift and repaired within a health round (every 3 s here, config/application.yml); with
 * {@code drift_policy: report} it is recorded once, warned about, and left as it is.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class DriftRepairTest {

    private static final Duration PROVISIONED_WITHIN = Duration.ofMinutes(4);
    /** A few health rounds, a repair of the connector (which waits until it runs again) included. */
    private static final Duration REPAIRED_WITHIN = Duration.ofSeconds(60);

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
    void aTableRemovedFromThePublicationIsPublishedAgain() throws Exception {
        String id = running("repair");
        stack.source().execute(LocalStack.SOURCE_DATABASE, "ALTER PUBLICATION " + resource(id)
                + " DROP TABLE public.customers");

        awaitRepaired(id, "publication");
        assertThat(publishedTables(id)).containsExactly("public.customers", "public.orders");
        assertThat(drift(id, "DriftDetected", "publication").get(0).at("/payload/actual").asText())
                .isEqualTo("tables public.orders");
    }

    @Test
    void aDeletedPgHbaLineIsWrittenAgain() throws Exception {
        String id = running("repair");
        Path hba = stack.source().hbaFile();
        String tag = "# pipewright:" + id;
        String withLine = Files.readString(hba);
        assertThat(withLine).contains(tag);
        StringBuilder without = new StringBuilder();
        withLine.lines().filter(line -> !line.contains(tag)).forEach(line -> without.append(line).append('\n'));
        Files.writeString(hba, without.toString());
        stack.source().execute(LocalStack.SOURCE_DATABASE, "SELECT pg_reload_conf()");

        awaitRepaired(id, "hba_entry");
        assertThat(Files.readString(hba)).contains(tag);
    }

    @Test
    void aRevokedSelectIsGrantedAgain() throws Exception {
        String id = running("repair");
        stack.source().execute(LocalStack.SOURCE_DATABASE, "REVOKE SELECT ON public.orders FROM " + resource(id));
        assertThat(canSelectOrders(id)).isFalse();

        awaitRepaired(id, "replication_role");
        assertThat(canSelectOrders(id)).isTrue();
        assertThat(drift(id, "DriftDetected", "replication_role").get(0).at("/payload/actual").asText())
                .isEqualTo("no SELECT on public.orders");
    }

    @Test
    void aConnectorConfigEditedOnTheWorkerIsConvergedBack() {
        String id = running("repair");
        String connector = "/connectors/" + connectorName(id);
        ObjectNode config = (ObjectNode) api.connect(connector + "/config");
        assertThat(config.get("decimal.handling.mode").asText()).isEqualTo("double");
        config.put("decimal.handling.mode", "precise");
        api.connectPutJson(connector + "/config", config.toString());

        awaitRepaired(id, "connector_config");
        await().atMost(REPAIRED_WITHIN).until(() ->
                "double".equals(api.connect(connector + "/config").get("decimal.handling.mode").asText()));
        JsonNode detected = drift(id, "DriftDetected", "connector_config").get(0).path("payload");
        assertThat(detected.get("expected").asText()).isEqualTo("decimal.handling.mode=double");
        assertThat(detected.get("actual").asText()).isEqualTo("decimal.handling.mode=precise");
        assertThat(api.awaitStatus(id, "Running", REPAIRED_WITHIN).get("warnings")).isEmpty();
    }

    @Test
    void withTheReportPolicyTheDriftIsRecordedOnceAndWarnedAboutAndLeftAsItIs() throws Exception {
        String id = running("report");
        stack.source().execute(LocalStack.SOURCE_DATABASE, "ALTER PUBLICATION " + resource(id)
                + " DROP TABLE public.customers");

        await().atMost(REPAIRED_WITHIN).until(() -> warnings(id).contains("drift: publication: expected tables "
                + "public.customers, public.orders, found tables public.orders"));
        JsonNode checked = api.get("/pipelines/" + id + "/status");
        awaitCheckedAfter(id, Instant.parse(checked.get("last_health_check_at").asText()));
        JsonNode later = awaitCheckedAfter(id, Instant.parse(
                api.get("/pipelines/" + id + "/status").get("last_health_check_at").asText()));

        assertThat(drift(id, "DriftDetected", "publication")).hasSize(1);
        assertThat(drift(id, "DriftRepaired", "publication")).isEmpty();
        assertThat(publishedTables(id)).containsExactly("public.orders");
        assertThat(later.get("status").asText()).isEqualTo("Running");

        stack.source().execute(LocalStack.SOURCE_DATABASE, "ALTER PUBLICATION " + resource(id)
                + " ADD TABLE public.customers");
        await().atMost(REPAIRED_WITHIN).until(() -> !warnings(id).contains("drift:"));
        assertThat(drift(id, "DriftCleared", "publication")).hasSize(1);
    }

    /** A pipeline of both sample tables, Running. */
    private String running(String driftPolicy) {
        Map<String, Object> body = Map.of("name", "drift-" + suffix, "pipeline_type", "cdc_pg_to_kafka",
                "source_service_id", source, "sink_service_id", sink,
                "config", Map.of("tables", List.of("orders", "customers"), "topic_prefix", "d" + suffix,
                        "drift_policy", driftPolicy));
        String id = api.call("POST", PipewrightClient.PIPELINES, body, 202).get("id").asText();
        api.awaitStatus(id, "Running", PROVISIONED_WITHIN);
        return id;
    }

    /** Detected, then repaired, as the pipeline's events say; the status shows no drift any more. */
    private void awaitRepaired(String id, String resource) {
        await().atMost(REPAIRED_WITHIN).until(() -> !drift(id, "DriftRepaired", resource).isEmpty());
        assertThat(drift(id, "DriftDetected", resource)).isNotEmpty();
        await().atMost(REPAIRED_WITHIN).until(() -> !warnings(id).contains("drift:"));
    }

    /** The pipeline's events of {@code type} about {@code resource}. */
    private List<JsonNode> drift(String id, String type, String resource) {
        List<JsonNode> found = new ArrayList<>();
        api.get(PipewrightClient.PIPELINES + "/" + id + "/events").forEach(event -> {
            if (type.equals(event.get("type").asText())
                    && resource.equals(event.path("payload").path("resource").asText())) {
                found.add(event);
            }
        });
        return found;
    }

    private String warnings(String id) {
        return api.get("/pipelines/" + id + "/status").get("warnings").toString();
    }

    private JsonNode awaitCheckedAfter(String id, Instant after) {
        await().atMost(REPAIRED_WITHIN).until(() -> {
            JsonNode checkedAt = api.get("/pipelines/" + id + "/status").get("last_health_check_at");
            return !checkedAt.isNull() && Instant.parse(checkedAt.asText()).isAfter(after);
        });
        return api.get("/pipelines/" + id + "/status");
    }

    private TreeSet<String> publishedTables(String id) throws Exception {
        TreeSet<String> tables = new TreeSet<>();
        try (Connection connection = stack.source().connect(LocalStack.SOURCE_DATABASE);
             PreparedStatement query = connection.prepareStatement(
                     "SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = ?")) {
            query.setString(1, resource(id));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
        }
        return tables;
    }

    private boolean canSelectOrders(String id) throws Exception {
        try (Connection connection = stack.source().connect(LocalStack.SOURCE_DATABASE);
             PreparedStatement query = connection.prepareStatement(
                     "SELECT has_table_privilege(?, 'public.orders', 'SELECT')")) {
            query.setString(1, resource(id));
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getBoolean(1);
            }
        }
    }

    private static String resource(String id) {
        return "pipewright_" + id.replace("-", "");
    }

    private static String connectorName(String id) {
        return "mdb-pipeline-" + id.substring(0, 8);
    }
}
