package io.pipewright.app.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ChangeTopics;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
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
import org.springframework.util.FileSystemUtils;

/** Create a pipeline through the API on the real stack and read every change of the source from Kafka. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class ProvisioningEndToEndTest {

    private static final String ORGANIZATION = PipewrightClient.ORGANIZATION;
    private static final String DEBEZIUM = "io.debezium.connector.postgresql.PostgresConnector";

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;

    private final LocalStack stack = ControlPlaneDatabase.stack();
    private PipewrightClient api;
    private String suffix;

    @BeforeEach
    void uniqueNames() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        api = new PipewrightClient(web, stack);
    }

    @Test
    void streamsSnapshotInsertsUpdatesAndDeletesIntoKafka() throws Exception {
        String source = api.register(api.source("source-" + suffix + "-local", "local"));
        String sink = api.register(api.sink("kafka-" + suffix + "-localtrue", "local", stack.connect().restUrl()));
        api.awaitServiceRunning(source);
        api.awaitServiceRunning(sink);
        String prefix = "shop" + suffix;
        int ordersAtCreation = (int) countOnSource("SELECT count(*) FROM public.orders");

        JsonNode created = api.call("POST", "/organizations/" + ORGANIZATION + "/pipelines", Map.of(
                "name", "orders-cdc-" + suffix, "pipeline_type", "cdc_pg_to_kafka",
                "source_service_id", source, "sink_service_id", sink,
                "config", Map.of("tables", List.of("orders", "public.customers"), "topic_prefix", prefix,
                        "snapshot_mode", "initial")), 202);
        String id = created.get("id").asText();

        JsonNode status = api.awaitStatus(id, "Running", Duration.ofMinutes(4));
        assertThat(status.get("connector_name").asText()).isEqualTo("mdb-pipeline-" + id.substring(0, 8));
        assertThat(status.get("connector_state").asText()).isEqualTo("RUNNING");
        assertThat(status.at("/task_states/0/state").asText()).isEqualTo("RUNNING");
        assertThat(status.get("topic_prefix").asText()).isEqualTo(prefix);
        assertThat(api.get("/organizations/" + ORGANIZATION + "/pipelines/" + id).get("provision_step").asText())
                .isEqualTo("create_connector");

        try (KafkaConsumer<String, String> consumer = ChangeTopics.consumer(stack, prefix + ".public.orders")) {
            List<JsonNode> snapshot = ChangeTopics.snapshot(consumer);
            assertThat(snapshot).hasSize(ordersAtCreation).allSatisfy(change -> assertThat(change.get("op").asText()).isEqualTo("r"));

            PostgresServer database = stack.source();
            long orderId = insertOrder(database);
            database.execute(LocalStack.SOURCE_DATABASE, "UPDATE public.orders SET status = 'SHIPPED' WHERE id = "
                    + orderId);
            database.execute(LocalStack.SOURCE_DATABASE, "DELETE FROM public.orders WHERE id = " + orderId);

            List<JsonNode> changes = ChangeTopics.poll(consumer, 3);
            assertThat(changes).extracting(change -> change.get("op").asText()).containsExactly("c", "u", "d");
            JsonNode insert = changes.get(0);
            assertThat(insert.get("before").isNull()).isTrue();
            assertThat(insert.at("/after/id").asLong()).isEqualTo(orderId);
            assertThat(insert.at("/after/total").asText()).isEqualTo("99.95");
            assertThat(insert.at("/source/table").asText()).isEqualTo("orders");
            assertThat(insert.at("/source/db").asText()).isEqualTo("defaultdb");
            assertThat(changes.get(1).at("/after/status").asText()).isEqualTo("SHIPPED");
            assertThat(changes.get(2).get("after").isNull()).isTrue();
        }

        assertThat(countOnSource("SELECT count(*) FROM pg_roles WHERE rolname LIKE 'pipewright_%" + id.replace("-", "")
                + "'")).isEqualTo(1);
        assertThat(countOnSource("SELECT count(*) FROM pg_publication WHERE pubname LIKE '%" + id.replace("-", "")
                + "'")).isEqualTo(1);
        assertThat(countOnSource("SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE '%"
                + id.replace("-", "") + "'")).isEqualTo(1);
        assertThat(Files.readAllLines(stack.source().hbaFile()))
                .filteredOn(line -> line.endsWith("# pipewright:" + id)).hasSize(1);

        JsonNode events = api.get("/organizations/" + ORGANIZATION + "/pipelines/" + id + "/events");
        List<String> types = new ArrayList<>();
        events.forEach(event -> types.add(event.get("type").asText()));
        assertThat(types).containsExactly("PipelineCreated",
                "ProvisionStepStarted", "PeeringEnsured", "ProvisionStepStarted", "PluginInstalled",
                "ProvisionStepStarted", "SourcePrepared", "ProvisionStepStarted", "PublicationCreated",
                "ProvisionStepStarted", "ConnectorCreated", "PipelineRunning");
        assertThat(events.toString()).doesNotContain(stack.source().superuserPassword());
        assertThat(events.get(0).get("caused_by").asText()).isEqualTo("test-admin");
        assertThat(events.get(1).get("caused_by").asText()).isEqualTo("reconciler");
    }

    /**
     * A {@code numeric(10,2)} of 99.95, read from the snapshot and from an insert: a JSON number by default, as in the
     * reference's envelope; exact as a string when asked; Connect's Decimal (the unscaled 9995 in base64, its scale
     * only in the schema, which the plain-JSON envelope leaves out) for {@code precise}.
     */
    @Test
    void numericColumnsArriveAsTheReferenceShowsOrAsAsked() throws Exception {
        String table = "priced_" + suffix;
        PostgresServer database = stack.source();
        database.execute(LocalStack.SOURCE_DATABASE, "CREATE TABLE public." + table
                + " (id bigint PRIMARY KEY, total numeric(10,2) NOT NULL)");
        database.execute(LocalStack.SOURCE_DATABASE, "INSERT INTO public." + table + " VALUES (1, 99.95)");
        String source = api.register(api.source("source-" + suffix + "-local", "local"));
        String sink = api.register(api.sink("kafka-" + suffix + "-localtrue", "local", stack.connect().restUrl()));
        api.awaitServiceRunning(source);
        api.awaitServiceRunning(sink);

        Map<String, String> pipelines = new LinkedHashMap<>();
        for (String mode : List.of("default", "string", "precise")) {
            Map<String, Object> config = new HashMap<>(Map.of("tables", List.of(table),
                    "topic_prefix", "priced-" + mode + "-" + suffix));
            if (!mode.equals("default")) {
                config.put("decimal_handling_mode", mode);
            }
            pipelines.put(mode, api.call("POST", "/organizations/" + ORGANIZATION + "/pipelines", Map.of(
                    "name", "priced-" + mode + "-" + suffix, "pipeline_type", "cdc_pg_to_kafka",
                    "source_service_id", source, "sink_service_id", sink, "config", config), 202)
                    .get("id").asText());
        }
        for (String id : pipelines.values()) {
            api.awaitStatus(id, "Running", Duration.ofMinutes(4));
        }
        assertThat(api.get("/organizations/" + ORGANIZATION + "/pipelines/" + pipelines.get("default"))
                .at("/config/decimal_handling_mode").asText()).isEqualTo("double");

        Map<String, KafkaConsumer<String, String>> consumers = new LinkedHashMap<>();
        Map<String, List<JsonNode>> received = new LinkedHashMap<>();
        try {
            for (String mode : pipelines.keySet()) {
                KafkaConsumer<String, String> consumer = ChangeTopics.consumer(stack,
                        "priced-" + mode + "-" + suffix + ".public." + table);
                consumers.put(mode, consumer);
                received.put(mode, new ArrayList<>(ChangeTopics.snapshot(consumer)));
            }
            database.execute(LocalStack.SOURCE_DATABASE, "INSERT INTO public." + table + " VALUES (2, 99.95)");
            consumers.forEach((mode, consumer) -> received.get(mode).addAll(ChangeTopics.poll(consumer, 1)));
        } finally {
            consumers.values().forEach(KafkaConsumer::close);
        }

        received.values().forEach(changes -> assertThat(changes)
                .extracting(change -> change.get("op").asText(), change -> change.at("/after/id").asLong())
                .containsExactly(tuple("r", 1L), tuple("c", 2L)));
        assertThat(received.get("default")).allSatisfy(change -> {
            assertThat(change.at("/after/total").isNumber()).isTrue();
            assertThat(change.at("/after/total").toString()).isEqualTo("99.95");
        });
        assertThat(received.get("string")).allSatisfy(change -> {
            assertThat(change.at("/after/total").isTextual()).isTrue();
            assertThat(change.at("/after/total").asText()).isEqualTo("99.95");
        });
        assertThat(received.get("precise")).allSatisfy(change ->
                assertThat(change.at("/after/total").asText()).isEqualTo(Base64.getEncoder().encodeToString(
                        new BigDecimal("99.95").unscaledValue().toByteArray())));

        for (String id : pipelines.values()) {
            api.call("DELETE", "/organizations/" + ORGANIZATION + "/pipelines/" + id, null, 202);
        }
        for (String id : pipelines.values()) {
            api.awaitEvent(id, "PipelineDeleted", Duration.ofMinutes(2));
        }
        database.execute(LocalStack.SOURCE_DATABASE, "DROP TABLE public." + table);
    }

    @Test
    void aSinkWithoutKafkaConnectFailsWithTheReferenceText() throws Exception {
        String source = api.register(api.source("source-" + suffix + "-local", "local"));
        String sink = api.register(api.sink("kafka-" + suffix + "-localfalse", "local", null));
        String id = createPipeline(source, sink);
        JsonNode failed = api.awaitStatus(id, "Failed", Duration.ofSeconds(60));
        assertThat(failed.get("error_message").asText())
                .isEqualTo("sink service does not have the kafka-connect addon enabled");
    }

    @Test
    void servicesInDifferentPeeringRegionsFailWithTheReferenceText() throws Exception {
        String source = api.register(api.source("source-" + suffix + "-se-sto1", "se-sto1"));
        String sink = api.register(api.sink("kafka-" + suffix + "-us-nyc1", "us-nyc1",
                stack.connect().restUrl()));
        String id = createPipeline(source, sink);
        assertThat(api.awaitStatus(id, "Failed", Duration.ofSeconds(60)).get("error_message").asText())
                .isEqualTo("source zone se-sto1 and sink zone us-nyc1 are not in the same peering region");
    }

    @Test
    void aSourceThatIsNotPostgresqlFailsWithTheReferenceText() throws Exception {
        String kafka = api.register(api.sink("kafka-" + suffix + "-localtrue", "local", stack.connect().restUrl()));
        String otherKafka = api.register(Map.of("name", "other-kafka-" + suffix, "database_type", "kafka",
                "zone", "local", "kafka", Map.of("bootstrap_servers", stack.kafka().bootstrapServers())));
        String id = createPipeline(otherKafka, kafka);
        assertThat(api.awaitStatus(id, "Failed", Duration.ofSeconds(60)).get("error_message").asText())
                .isEqualTo("source service must be postgresql");
    }

    @Test
    void aTableWhoseUpdatesPublishingWouldBreakIsRefused() throws Exception {
        String table = "no_key_" + suffix;
        stack.source().execute(LocalStack.SOURCE_DATABASE, "CREATE TABLE public." + table + " (note text)");
        String source = api.register(api.source("source-" + suffix + "-local", "local"));
        String sink = api.register(api.sink("kafka-" + suffix + "-localtrue", "local", stack.connect().restUrl()));
        api.awaitServiceRunning(source);
        api.awaitServiceRunning(sink);
        JsonNode created = api.call("POST", "/organizations/" + ORGANIZATION + "/pipelines", Map.of(
                "name", "no-key-" + suffix, "pipeline_type", "cdc_pg_to_kafka",
                "source_service_id", source, "sink_service_id", sink,
                "config", Map.of("tables", List.of(table))), 202);
        String id = created.get("id").asText();
        JsonNode failed = api.awaitStatus(id, "Failed", Duration.ofMinutes(3));
        assertThat(failed.get("error_message").asText()).isEqualTo("create_publication: table public." + table
                + " has no primary key and replica identity DEFAULT: publishing it would make the application's "
                + "UPDATE and DELETE on it fail; add a primary key, or create the pipeline with "
                + "config.replica_identity_full true");
        assertThat(api.get("/organizations/" + ORGANIZATION + "/pipelines/" + id).get("provision_step").asText())
                .isEqualTo("create_publication");
        stack.source().execute(LocalStack.SOURCE_DATABASE, "UPDATE public." + table + " SET note = 'still works'");
    }

    @Test
    void twoPipelinesOnAFreshWorkerInstallThePluginOnceWithOneRestart() throws Exception {
        Path pluginPath = stack.connect().pluginPath();
        try (Stream<Path> plugins = Files.list(pluginPath)) {
            for (Path plugin : plugins.filter(Files::isDirectory).toList()) {
                FileSystemUtils.deleteRecursively(plugin);
            }
        }
        stack.connect().restart();
        assertThat(pluginClasses()).doesNotContain(DEBEZIUM);
        long startsBefore = workerStarts();

        String source = api.register(api.source("source-" + suffix + "-local", "local"));
        String sink = api.register(api.sink("kafka-" + suffix + "-localtrue", "local", stack.connect().restUrl()));
        api.awaitServiceRunning(source);
        api.awaitServiceRunning(sink);
        List<CompletableFuture<String>> creates = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            creates.add(CompletableFuture.supplyAsync(() -> createPipeline(source, sink)));
        }
        for (CompletableFuture<String> create : creates) {
            api.awaitStatus(create.get(), "Running", Duration.ofMinutes(4));
        }

        assertThat(pluginClasses()).contains(DEBEZIUM);
        assertThat(workerStarts()).isEqualTo(startsBefore + 1);
        try (Stream<Path> entries = Files.list(pluginPath)) {
            assertThat(entries.map(path -> path.getFileName().toString()))
                    .containsExactly("debezium-connector-postgres");
        }
    }

    @Test
    void thePgHbaEntryIsOnEveryNodeThatCanBecomePrimary() throws Exception {
        PostgresServer primary = stack.source();
        PostgresServer standby = primary.createStandby(Path.of("target", "standby-" + suffix).toAbsolutePath());
        try {
            String source = api.register(Map.of("name", "source-with-standby-" + suffix, "database_type",
                    "postgresql", "zone", "local", "postgresql", Map.of(
                            "hosts", List.of(
                                    Map.of("host", primary.host(), "port", primary.port(), "role", "primary"),
                                    Map.of("host", standby.host(), "port", standby.port(), "role", "standby")),
                            "admin_user", primary.superuser(), "admin_password", primary.superuserPassword(),
                            "hba_management", "file")));
            String sink = api.register(api.sink("kafka-" + suffix + "-standby", "local", stack.connect().restUrl()));
            api.awaitServiceRunning(source);
            api.awaitServiceRunning(sink);
            String id = createPipeline(source, sink);
            api.awaitStatus(id, "Running", Duration.ofMinutes(4));

            String tag = "# pipewright:" + id;
            assertThat(Files.readAllLines(primary.hbaFile())).filteredOn(line -> line.endsWith(tag)).hasSize(1);
            assertThat(Files.readAllLines(standby.hbaFile())).filteredOn(line -> line.endsWith(tag)).hasSize(1);

            api.call("DELETE", "/organizations/" + ORGANIZATION + "/pipelines/" + id, null, 202);
            api.awaitEvent(id, "PipelineDeleted", Duration.ofMinutes(2));
            assertThat(Files.readAllLines(standby.hbaFile())).noneMatch(line -> line.endsWith(tag));
            assertThat(Files.readAllLines(primary.hbaFile())).noneMatch(line -> line.endsWith(tag));
        } finally {
            standby.stop();
        }
    }

    private long workerStarts() throws IOException {
        try (Stream<String> lines = Files.lines(stack.connect().logFile())) {
            return lines.filter(line -> line.contains("Kafka Connect started")).count();
        }
    }

    private List<String> pluginClasses() {
        List<String> classes = new ArrayList<>();
        api.connect("/connector-plugins").forEach(plugin -> classes.add(plugin.get("class")
                .asText()));
        return classes;
    }

    private String createPipeline(String source, String sink) {
        return api.call("POST", "/organizations/" + ORGANIZATION + "/pipelines", Map.of(
                "name", "p-" + suffix + "-" + UUID.randomUUID().toString().substring(0, 4),
                "pipeline_type", "cdc_pg_to_kafka", "source_service_id", source, "sink_service_id", sink,
                "config", Map.of("tables", List.of("orders"))), 202)
                .get("id").asText();
    }

    private long insertOrder(PostgresServer database) throws Exception {
        try (Connection connection = database.connect(LocalStack.SOURCE_DATABASE);
             Statement statement = connection.createStatement();
             ResultSet inserted = statement.executeQuery(
                     "INSERT INTO public.orders (customer_id, status, total) VALUES (1, 'NEW', 99.95) RETURNING id")) {
            inserted.next();
            return inserted.getLong(1);
        }
    }

    private long countOnSource(String sql) throws Exception {
        try (Connection connection = stack.source().connect(LocalStack.SOURCE_DATABASE);
             Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }
}
