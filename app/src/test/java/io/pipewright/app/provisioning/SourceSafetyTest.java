package io.pipewright.app.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.app.support.ChangeTopics;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalStack;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
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
 * What a pipeline may touch on the real stack: exactly the tables it names, however they are spelled; never a table
 * whose publishing would break the application; never another pipeline's connector; and a Failed pipeline's slot is
 * still watched.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class SourceSafetyTest {

    private static final String PIPELINES = "/organizations/" + PipewrightClient.ORGANIZATION + "/pipelines";
    private static final ObjectMapper JSON = new ObjectMapper();

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
        source = api.register(api.source("source-" + suffix + "-local", "local"));
        sink = api.register(api.sink("kafka-" + suffix + "-localtrue", "local", stack.connect().restUrl()));
        api.awaitServiceRunning(source);
        api.awaitServiceRunning(sink);
    }

    @Test
    void aTableNamedWithRegexMetacharactersIsCapturedAndOnlyIt() throws Exception {
        String target = "a.b+c(1)|" + suffix;
        List<String> lookalikes = List.of("a.bbc1" + suffix, "A.B+C(1)|" + suffix);
        for (String table : concat(target, lookalikes)) {
            stack.source().execute(LocalStack.SOURCE_DATABASE, "CREATE TABLE public.\"" + table
                    + "\" (id int PRIMARY KEY, note text); INSERT INTO public.\"" + table + "\" VALUES (1, '"
                    + table + "')");
        }
        String prefix = "meta" + suffix;
        String id = create(Map.of("tables", List.of("public.\"" + target + "\""), "topic_prefix", prefix));
        api.awaitStatus(id, "Running", Duration.ofMinutes(4));

        String topic = prefix + ".public.a.b_c_1__" + suffix;
        try (KafkaConsumer<String, String> consumer = ChangeTopics.consumer(stack, topic)) {
            assertThat(ChangeTopics.snapshot(consumer)).extracting(read -> read.at("/after/note").asText())
                    .containsExactly(target);
            for (String table : concat(target, lookalikes)) {
                stack.source().execute(LocalStack.SOURCE_DATABASE, "INSERT INTO public.\"" + table
                        + "\" VALUES (2, 'later')");
            }
            assertThat(ChangeTopics.poll(consumer, 1)).extracting(change -> change.at("/source/table").asText())
                    .containsExactly(target);
        }
        try (Admin admin = Admin.create(kafkaProperties())) {
            assertThat(admin.listTopics().names().get()).filteredOn(name -> name.startsWith(prefix + "."))
                    .containsExactly(topic);
        }
    }

    @Test
    void allTablesPublishesOnlyTablesWithAReplicaIdentityAndWarnsAboutTheOthers() throws Exception {
        String database = "all_tables_" + suffix;
        stack.source().createDatabase(database);
        stack.source().execute(database, "CREATE TABLE public.keyed (id int PRIMARY KEY, note text); "
                + "CREATE TABLE public.keyless (note text); INSERT INTO public.keyless VALUES ('before')");
        String prefix = "all" + suffix;
        String id = create(Map.of("database_name", database, "all_tables", true, "topic_prefix", prefix));
        JsonNode running = api.awaitStatus(id, "Running", Duration.ofMinutes(4));

        String publication = "pipewright_" + id.replace("-", "");
        assertThat(queryOnSource(database, "SELECT puballtables::text FROM pg_publication WHERE pubname = '"
                + publication + "'")).containsExactly("false");
        assertThat(queryOnSource(database, "SELECT schemaname || '.' || tablename FROM pg_publication_tables "
                + "WHERE pubname = '" + publication + "'")).containsExactly("public.keyed");
        assertThat(running.get("warnings").toString()).contains("not captured: public.keyless");

        stack.source().execute(database, "UPDATE public.keyless SET note = 'the application still updates it'");
        stack.source().execute(database, "CREATE TABLE public.keyless_later (note text); "
                + "INSERT INTO public.keyless_later VALUES ('x'); UPDATE public.keyless_later SET note = 'y'; "
                + "DELETE FROM public.keyless_later");
        try (KafkaConsumer<String, String> consumer = ChangeTopics.consumer(stack, prefix + ".public.keyed")) {
            stack.source().execute(database, "INSERT INTO public.keyed VALUES (1, 'streamed')");
            assertThat(ChangeTopics.poll(consumer, 1)).extracting(change -> change.at("/after/note").asText())
                    .containsExactly("streamed");
        }
        try (Admin admin = Admin.create(kafkaProperties())) {
            assertThat(admin.listTopics().names().get()).filteredOn(name -> name.startsWith(prefix + "."))
                    .containsExactly(prefix + ".public.keyed");
        }

        stack.source().execute(database, "CREATE TABLE public.keyed_later (id int PRIMARY KEY, note text)");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                queryOnSource(database, "SELECT schemaname || '.' || tablename FROM pg_publication_tables "
                        + "WHERE pubname = '" + publication + "'").contains("public.keyed_later")
                        && api.get("/pipelines/" + id + "/status").get("warnings").toString()
                        .contains("not captured: public.keyless, public.keyless_later"));
        stack.source().execute(database, "INSERT INTO public.keyless_later VALUES ('z'); "
                + "UPDATE public.keyless_later SET note = 'still updatable'; DELETE FROM public.keyless_later");
        try (KafkaConsumer<String, String> consumer = ChangeTopics.consumer(stack, prefix + ".public.keyed_later")) {
            stack.source().execute(database, "INSERT INTO public.keyed_later VALUES (1, 'created later')");
            assertThat(ChangeTopics.poll(consumer, 1)).extracting(change -> change.at("/after/note").asText())
                    .containsExactly("created later");
        }
    }

    /**
     * Another pipeline's connector under this pipeline's name (made by hand here): the pipeline fails saying so,
     * and neither its restart policy nor its delete overwrites or removes that connector. Failed with its slot still
     * on the source, it is still measured.
     */
    @Test
    void aConnectorOfAnotherPipelineWithTheSameNameIsNeverOverwrittenOrDeleted() throws Exception {
        String id = create(Map.of("tables", List.of("orders"), "topic_prefix", "own" + suffix));
        JsonNode running = api.awaitStatus(id, "Running", Duration.ofMinutes(4));
        String connector = running.get("connector_name").asText();
        String slot = "pipewright_" + id.replace("-", "");
        Map<String, String> foreign = new HashMap<>(configOf(connector));
        foreign.put("slot.name", "pipewright_" + UUID.randomUUID().toString().replace("-", ""));
        foreign.put("publication.name", "no_such_publication_" + suffix);
        foreign.remove("name");
        connectorCall("DELETE", "/connectors/" + connector, null, 204);
        await().atMost(Duration.ofSeconds(30)).until(() -> !isActive(slot));
        connectorCall("POST", "/connectors", JSON.writeValueAsString(Map.of("name", connector, "config", foreign)),
                201);
        try {
            JsonNode failed = api.awaitStatus(id, "Failed", Duration.ofMinutes(2));
            assertThat(failed.get("error_message").asText()).contains("connector " + connector
                    + " on the Kafka Connect worker is not this pipeline's (its slot.name is "
                    + foreign.get("slot.name") + ", not " + slot + ")");
            assertThat(configOf(connector)).containsEntry("slot.name", foreign.get("slot.name"));

            Instant checkedAfterFailure = Instant.parse(
                    api.get("/pipelines/" + id + "/status").get("last_health_check_at").asText());
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                JsonNode status = api.get("/pipelines/" + id + "/status");
                return Instant.parse(status.get("last_health_check_at").asText()).isAfter(checkedAfterFailure)
                        && status.get("retained_wal_bytes").isNumber();
            });

            api.call("DELETE", PIPELINES + "/" + id, null, 202);
            await().atMost(Duration.ofMinutes(2)).ignoreExceptions()
                    .until(() -> api.call("GET", PIPELINES + "/" + id, null, 404) != null);
            assertThat(configOf(connector)).containsEntry("slot.name", foreign.get("slot.name"));
            assertThat(queryOnSource(LocalStack.SOURCE_DATABASE, "SELECT slot_name FROM pg_replication_slots "
                    + "WHERE slot_name = '" + slot + "'")).isEmpty();
        } finally {
            connectorCall("DELETE", "/connectors/" + connector, null, 204);
            await().atMost(Duration.ofSeconds(30)).until(() -> !isActive(foreign.get("slot.name")));
            stack.source().execute(LocalStack.SOURCE_DATABASE, "SELECT pg_drop_replication_slot(slot_name) "
                    + "FROM pg_replication_slots WHERE slot_name = '" + foreign.get("slot.name") + "'");
        }
    }

    private String create(Map<String, Object> config) {
        return api.call("POST", PIPELINES, Map.of("name", "safety-" + suffix, "pipeline_type", "cdc_pg_to_kafka",
                "source_service_id", source, "sink_service_id", sink, "config", config), 202).get("id").asText();
    }

    private Map<String, String> configOf(String connector) throws IOException {
        return JSON.readValue(connectorCall("GET", "/connectors/" + connector + "/config", null, 200),
                JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
    }

    private String connectorCall(String method, String path, String body, int expectedStatus) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(stack.connect().restUrl() + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(method + " " + path + ": " + response.body())
                    .isEqualTo(expectedStatus);
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private boolean isActive(String slot) throws Exception {
        return queryOnSource(LocalStack.SOURCE_DATABASE, "SELECT active::text FROM pg_replication_slots "
                + "WHERE slot_name = '" + slot + "'").contains("true");
    }

    private List<String> queryOnSource(String database, String sql) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection connection = stack.source().connect(database);
             Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }

    private Properties kafkaProperties() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        return properties;
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }
}
