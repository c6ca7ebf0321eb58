package io.pipewright.app.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ChangeTopics;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.HbaPolicy;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Stream;
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
 * What a pipeline's replication slot does to its source, on a PostgreSQL server of each test's own (the shared
 * source's settings stay as they are): heartbeats keep an idle capture's slot confirming past the rest of the
 * database's writes, and a slot the source invalidates ({@code max_slot_wal_keep_size}) is warned about before and
 * shown as a data gap after, which a restart with a re-snapshot heals. Writes are single bounded statements (a
 * generate_series insert into a table no pipeline captures). Checks run every 3 s here (config/application.yml).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class SlotHealthTest {

    private static final Duration PROVISIONED_WITHIN = Duration.ofMinutes(4);
    private static final Duration NOTICED_WITHIN = Duration.ofSeconds(90);
    private static final String DATABASE = "defaultdb";
    private static final long MB = 1024 * 1024;
    /** A row of the filler table: 1 KiB of text that does not compress below TOAST's threshold, and its header. */
    private static final long FILLER_ROW_BYTES = 1100;

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;

    private final LocalStack stack = ControlPlaneDatabase.stack();
    private PipewrightClient api;
    private String suffix;
    private Path directory;
    private PostgresServer source;
    /** An order written while the pipeline was paused, before its slot was invalidated: only a re-snapshot has it. */
    private long duringGap;

    @BeforeEach
    void names() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        api = new PipewrightClient(web, stack);
        directory = Path.of("target", "slot-health", suffix).toAbsolutePath();
    }

    @AfterEach
    void removeSource() throws IOException {
        if (source != null) {
            source.stop();
        }
        if (Files.exists(directory)) {
            try (Stream<Path> files = Files.walk(directory)) {
                files.sorted(Comparator.reverseOrder()).forEach(SlotHealthTest::delete);
            }
        }
    }

    @Test
    void heartbeatsKeepAnIdleCaptureFromHoldingTheRestOfTheDatabasesWal() throws Exception {
        source = startSource(Map.of());
        String id = createPipeline(Map.of("heartbeat_interval_ms", 1000));
        api.awaitStatus(id, "Running", PROVISIONED_WITHIN);
        assertThat(api.connect("/connectors/" + connectorName(id) + "/config").get("heartbeat.interval.ms").asText())
                .isEqualTo("1000");

        long written = fill(500 * MB);
        Instant filledAt = Instant.now();

        assertThat(written).isGreaterThanOrEqualTo(500 * MB);
        JsonNode status = awaitCheckedAfter(id, filledAt, checked -> checked.get("source_lag_bytes").isIntegralNumber()
                && checked.get("source_lag_bytes").asLong() < 4 * MB);
        assertThat(status.get("warnings")).isEmpty();
        // The slot's restart position follows at the next running-transactions record past it, which a checkpoint
        // writes: then the source may remove the WAL it held.
        source.execute(DATABASE, "CHECKPOINT");
        Instant checkpointedAt = Instant.now();
        awaitCheckedAfter(id, checkpointedAt, checked -> checked.get("retained_wal_bytes").asLong() < 64 * MB);
        assertThat(api.get(PipewrightClient.PIPELINES + "/" + id).at("/config/heartbeat_interval_ms").asInt())
                .isEqualTo(1000);
    }

    @Test
    void aSlotTheSourceInvalidatesIsWarnedAboutBeforeAndShownAsADataGapAfter() throws Exception {
        String id = invalidateTheSlotOfAPausedPipeline();

        List<String> events = api.eventTypes(id);
        assertThat(events).containsOnlyOnce("DataGapDetected");
        JsonNode gap = eventOfType(id, "DataGapDetected");
        assertThat(gap.toString()).contains("max_slot_wal_keep_size").contains("from_lsn");
    }

    /**
     * {@code POST .../restart} with a re-snapshot heals the gap of a paused pipeline: the warning goes, the pipeline
     * stays paused as its user asked until resumed, and then a row written while the slot was lost (re-snapshotted) and
     * one written after the restart are in Kafka.
     */
    @Test
    void aRestartWithAResnapshotHealsTheDataGap() throws Exception {
        String id = invalidateTheSlotOfAPausedPipeline();
        String topic = "t" + suffix + ".public.orders";
        try (KafkaConsumer<String, String> consumer = ChangeTopics.consumer(stack, topic)) {
            api.call("POST", PipewrightClient.PIPELINES + "/" + id + "/restart", Map.of("resnapshot", true), 202);
            await().atMost(NOTICED_WITHIN).until(() -> !api.get("/pipelines/" + id + "/status").get("warnings")
                    .toString().contains("data gap"));
            api.awaitStatus(id, "Paused", PROVISIONED_WITHIN);
            api.call("POST", PipewrightClient.PIPELINES + "/" + id + "/resume", null, 202);
            api.awaitStatus(id, "Running", PROVISIONED_WITHIN);
            long after = insertOrder();

            List<Long> seen = new ArrayList<>();
            await().atMost(NOTICED_WITHIN).until(() -> {
                ChangeTopics.pollOnce(consumer).forEach(change -> seen.add(change.at("/after/id").asLong()));
                return seen.contains(duringGap) && seen.contains(after);
            });
            assertThat(api.eventTypes(id)).containsSubsequence("DataGapDetected", "PipelineRestartRequested");
            assertThat(api.get("/pipelines/" + id + "/status").get("warnings").toString()).doesNotContain("data gap");
        }
    }

    /**
     * A pipeline on a source that keeps at most 64 MB of WAL for a slot, paused (its slot confirms nothing), then
     * more WAL than that written: the warning comes before the checkpoint that invalidates the slot, the data gap after.
     */
    private String invalidateTheSlotOfAPausedPipeline() throws Exception {
        source = startSource(Map.of("max_slot_wal_keep_size", "64MB"));
        String id = createPipeline(Map.of());
        api.awaitStatus(id, "Running", PROVISIONED_WITHIN);
        api.call("POST", PipewrightClient.PIPELINES + "/" + id + "/pause", null, 202);
        await().atMost(NOTICED_WITHIN).until(() -> "PAUSED".equals(
                api.connect("/connectors/" + connectorName(id) + "/status").at("/tasks/0/state").asText()));
        duringGap = insertOrder();

        fill(80 * MB);
        JsonNode nearLimit = awaitCheckedAfter(id, Instant.now(), checked -> checked.get("warnings").toString()
                .contains("before the source invalidates it"));
        assertThat(nearLimit.get("warnings").toString()).contains("max_slot_wal_keep_size");

        source.execute(DATABASE, "CHECKPOINT");
        await().atMost(NOTICED_WITHIN).until(() -> "lost".equals(walStatus(id)));
        JsonNode lost = awaitCheckedAfter(id, Instant.now(), checked -> checked.get("warnings").toString()
                .contains("data gap"));
        assertThat(lost.get("warnings").toString()).contains("invalidated", "resnapshot");
        return id;
    }

    private PostgresServer startSource(Map<String, String> settings) {
        PostgresServer.Builder builder = PostgresServer.builder().name("slot-health-" + suffix)
                .dataDirectory(directory.resolve("data")).workDirectory(stack.workDirectory())
                .hbaPolicy(HbaPolicy.SUPERUSER_ONLY);
        settings.forEach(builder::setting);
        PostgresServer server = builder.start();
        server.createDatabase(DATABASE);
        server.execute(DATABASE, "CREATE TABLE orders (id bigserial PRIMARY KEY, status text NOT NULL)");
        server.execute(DATABASE, "CREATE TABLE filler (n bigint PRIMARY KEY, payload text NOT NULL)");
        return server;
    }

    private String createPipeline(Map<String, Object> extraConfig) {
        String sourceId = api.register(Map.of("name", "slot-source-" + suffix, "database_type", "postgresql",
                "version", "17", "zone", "local", "postgresql", Map.of(
                        "hosts", List.of(Map.of("host", source.host(), "port", source.port(), "role", "primary")),
                        "admin_user", source.superuser(), "admin_password", source.superuserPassword(),
                        "hba_management", "file")));
        String sinkId = api.register(api.sink("slot-kafka-" + suffix, "local", stack.connect().restUrl()));
        api.awaitServiceRunning(sourceId);
        api.awaitServiceRunning(sinkId);
        Map<String, Object> config = new HashMap<>(Map.of("tables", List.of("orders"),
                "topic_prefix", "t" + suffix));
        config.putAll(extraConfig);
        return api.call("POST", PipewrightClient.PIPELINES, Map.of("name", "slot-" + suffix,
                "pipeline_type", "cdc_pg_to_kafka", "source_service_id", sourceId, "sink_service_id", sinkId,
                "config", config), 202).get("id").asText();
    }

    /** Writes at least {@code bytes} of WAL into the uncaptured table in one statement; returns how much it wrote. */
    private long fill(long bytes) throws SQLException {
        try (Connection connection = source.connect(DATABASE); Statement statement = connection.createStatement()) {
            String before = single(statement, "SELECT pg_current_wal_lsn()::text");
            statement.execute("INSERT INTO filler SELECT g, repeat(md5(g::text), 32) FROM generate_series("
                    + "(SELECT coalesce(max(n), 0) + 1 FROM filler), (SELECT coalesce(max(n), 0) FROM filler) + "
                    + bytes / FILLER_ROW_BYTES + ") g");
            return Long.parseLong(single(statement, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '" + before
                    + "')::bigint"));
        }
    }

    private long insertOrder() throws SQLException {
        try (Connection connection = source.connect(DATABASE); Statement statement = connection.createStatement()) {
            return Long.parseLong(single(statement, "INSERT INTO orders (status) VALUES ('NEW') RETURNING id"));
        }
    }

    private String walStatus(String id) throws SQLException {
        try (Connection connection = source.connect(DATABASE); Statement statement = connection.createStatement()) {
            return single(statement, "SELECT coalesce(max(wal_status), 'absent') FROM pg_replication_slots "
                    + "WHERE slot_name = 'pipewright_" + id.replace("-", "") + "'");
        }
    }

    private static String single(Statement statement, String sql) throws SQLException {
        try (ResultSet row = statement.executeQuery(sql)) {
            row.next();
            return row.getString(1);
        }
    }

    private JsonNode awaitCheckedAfter(String id, Instant after, Predicate<JsonNode> condition) {
        await().atMost(NOTICED_WITHIN).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonNode status = api.get("/pipelines/" + id + "/status");
            JsonNode checkedAt = status.get("last_health_check_at");
            return !checkedAt.isNull() && Instant.parse(checkedAt.asText()).isAfter(after) && condition.test(status);
        });
        return api.get("/pipelines/" + id + "/status");
    }

    private JsonNode eventOfType(String id, String type) {
        for (JsonNode event : api.get(PipewrightClient.PIPELINES + "/" + id + "/events")) {
            if (type.equals(event.path("type").asText())) {
                return event;
            }
        }
        throw new AssertionError("no " + type + " in the history of pipeline " + id);
    }

    private static String connectorName(String id) {
        return "mdb-pipeline-" + id.substring(0, 8);
    }

    private static void delete(Path path) {
        try {
            Files.delete(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
