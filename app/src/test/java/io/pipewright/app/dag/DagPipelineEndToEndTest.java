package io.pipewright.app.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ChangeTopics;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalStack;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * DAG pipelines on the real stack: the reference's daily_revenue_pipeline from its JSON to the revenue table, the
 * quality check and the notification on the topic; a check that does not hold; a transient SQL error retried; a new
 * version deployed while a run goes on; a schedule firing. Each test has its own output schema.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class DagPipelineEndToEndTest {

    static final String DAGS = "/api/v1/pipelines";
    private static final Duration RUN_ENDS_WITHIN = Duration.ofSeconds(90);

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;
    @Autowired
    JdbcTemplate controlPlane;

    private final LocalStack stack = ControlPlaneDatabase.stack();
    private PipewrightClient api;
    private String suffix;
    private String postgres;
    private String kafka;

    @BeforeEach
    void services() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        api = new PipewrightClient(web, stack);
        postgres = api.register(api.source("dag-source-" + suffix, "local"));
        kafka = api.register(api.sink("dag-kafka-" + suffix, "local", stack.connect().restUrl()));
        api.awaitServiceRunning(postgres);
        api.awaitServiceRunning(kafka);
    }

    @Test
    void theReferencesDailyRevenuePipelineRunsEndToEnd() throws Exception {
        String schema = "analytics_" + suffix;
        JsonNode created = api.call("POST", DAGS, dailyRevenue(schema, List.of("row_count > 0", "revenue >= 0")), 201);
        assertThat(created.get("version").asInt()).isEqualTo(1);
        String id = created.get("id").asText();

        try (KafkaConsumer<String, String> notifications = ChangeTopics.consumer(stack, "pipewright.notifications")) {
            JsonNode triggered = api.call("POST", DAGS + "/" + id + "/run", Map.of("execution_date", "2026-11-20"),
                    202);
            String runId = triggered.get("run_id").asText();
            JsonNode run = awaitRunEnded(id, runId);

            assertThat(run.get("status").asText()).isEqualTo("succeeded");
            assertThat(run.get("version").asInt()).isEqualTo(1);
            assertThat(run.get("execution_date").asText()).isEqualTo("2026-11-20");
            assertThat(task(run, "extract_orders").get("rows_written").asLong()).isEqualTo(4);
            assertThat(task(run, "transform_revenue").get("rows_written").asLong()).isEqualTo(3);
            JsonNode checks = task(run, "quality_check").get("checks");
            assertThat(checks).hasSize(2);
            checks.forEach(check -> assertThat(check.get("passed").asBoolean()).isTrue());
            run.get("tasks").forEach(task -> {
                assertThat(task.get("status").asText()).isEqualTo("succeeded");
                assertThat(task.get("attempts").asInt()).isEqualTo(1);
            });
            assertThat(revenueByRegion(schema)).containsExactly(Map.entry("amer", new BigDecimal("99.95")),
                    Map.entry("apac", new BigDecimal("10.00")), Map.entry("emea", new BigDecimal("150.50")));

            List<JsonNode> sent = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                ChangeTopics.pollOnce(notifications).stream()
                        .filter(message -> runId.equals(message.path("run_id").asText())).forEach(sent::add);
                return !sent.isEmpty();
            });
            assertThat(sent.get(0).get("pipeline_name").asText()).isEqualTo("daily_revenue_" + suffix);
            assertThat(sent.get(0).get("channel").asText()).isEqualTo("slack");
            assertThat(sent.get(0).get("message").asText()).isEqualTo("Daily revenue pipeline completed");
        }
        assertThat(api.get(DAGS + "/" + id + "/runs").get(0).get("status").asText()).isEqualTo("succeeded");
    }

    @Test
    void aCheckThatDoesNotHoldFailsItsTaskAndSkipsWhatDependsOnIt() {
        String schema = "analytics_" + suffix;
        String id = api.call("POST", DAGS, dailyRevenue(schema, List.of("row_count > 0", "revenue > 100")), 201)
                .get("id").asText();
        String runId = api.call("POST", DAGS + "/" + id + "/run", Map.of("execution_date", "2026-11-20"), 202)
                .get("run_id").asText();

        JsonNode run = awaitRunEnded(id, runId);
        assertThat(run.get("status").asText()).isEqualTo("failed");
        JsonNode quality = task(run, "quality_check");
        assertThat(quality.get("status").asText()).isEqualTo("failed");
        assertThat(quality.get("attempts").asInt()).isEqualTo(1);
        JsonNode revenueCheck = quality.get("checks").get(1);
        assertThat(revenueCheck.get("check").asText()).isEqualTo("revenue > 100");
        assertThat(revenueCheck.get("passed").asBoolean()).isFalse();
        assertThat(revenueCheck.get("violating_rows").asLong()).isEqualTo(2);
        assertThat(quality.get("error").asText()).contains("revenue > 100");
        assertThat(task(run, "notify").get("status").asText()).isEqualTo("skipped");
    }

    @Test
    void aTransientSqlErrorIsRetriedWithBackoff() throws Exception {
        String schema = "retried_" + suffix;
        Map<String, Object> extract = sqlTask("extract", "SELECT region, amount FROM raw.orders", schema + ".orders",
                List.of());
        extract.put("timeout_seconds", 2);
        extract.put("retries", 3);
        extract.put("retry_backoff_seconds", 1);
        String id = api.call("POST", DAGS, definition("retried_" + suffix, List.of(extract)), 201).get("id").asText();

        try (Connection locker = stack.source().connect(LocalStack.SOURCE_DATABASE);
             Statement statement = locker.createStatement()) {
            locker.setAutoCommit(false);
            statement.execute("LOCK TABLE raw.orders IN ACCESS EXCLUSIVE MODE");
            String runId = api.call("POST", DAGS + "/" + id + "/run", null, 202).get("run_id").asText();
            await().atMost(RUN_ENDS_WITHIN).until(() -> "retrying".equals(
                    task(run(id, runId), "extract").get("status").asText()));
            JsonNode waiting = task(run(id, runId), "extract");
            assertThat(waiting.get("error").asText()).contains("ran past the task's timeout of 2 s");
            assertThat(waiting.get("next_attempt_at").isNull()).isFalse();
            locker.rollback();

            JsonNode run = awaitRunEnded(id, runId);
            assertThat(run.get("status").asText()).isEqualTo("succeeded");
            assertThat(task(run, "extract").get("attempts").asInt()).isGreaterThanOrEqualTo(2);
            assertThat(task(run, "extract").get("rows_written").asLong()).isEqualTo(6);
        }
    }

    @Test
    void aNewVersionDeployedDuringARunLeavesTheRunOnItsVersion() {
        String schema = "versions_" + suffix;
        Map<String, Object> slow = sqlTask("slow", "SELECT 1 AS version FROM pg_sleep(3)", schema + ".marker",
                List.of());
        String id = api.call("POST", DAGS, definition("versions_" + suffix, List.of(slow)), 201).get("id").asText();
        String firstRun = api.call("POST", DAGS + "/" + id + "/run", null, 202).get("run_id").asText();
        await().atMost(RUN_ENDS_WITHIN).until(() -> "running".equals(
                task(run(id, firstRun), "slow").get("status").asText()));

        Map<String, Object> second = sqlTask("slow", "SELECT 2 AS version", schema + ".marker", List.of());
        assertThat(api.call("PUT", DAGS + "/" + id, definition("versions_" + suffix, List.of(second)), 200)
                .get("version").asInt()).isEqualTo(2);

        JsonNode first = awaitRunEnded(id, firstRun);
        assertThat(first.get("status").asText()).isEqualTo("succeeded");
        assertThat(first.get("version").asInt()).isEqualTo(1);
        assertThat(sourceInt("SELECT version FROM " + schema + ".marker")).isEqualTo(1);

        String secondRun = api.call("POST", DAGS + "/" + id + "/run", null, 202).get("run_id").asText();
        assertThat(awaitRunEnded(id, secondRun).get("version").asInt()).isEqualTo(2);
        assertThat(sourceInt("SELECT version FROM " + schema + ".marker")).isEqualTo(2);
        assertThat(api.get(DAGS + "/" + id + "?version=1").get("definition").get("tasks").get(0).get("query")
                .asText()).contains("pg_sleep");
        assertThat(api.get(DAGS + "/" + id + "/versions")).hasSize(2);
    }

    /**
     * A schedule due every minute: its row in db-scheduler's table waits for the next minute, fires one run marked as
     * scheduled, for that day, and moves on to the minute after; switched off, the row is gone.
     */
    @Test
    void aScheduleFiresARunAtItsDueTime() {
        String schema = "scheduled_" + suffix;
        String id = api.call("POST", DAGS, definition("scheduled_" + suffix, List.of(sqlTask("once",
                "SELECT 1 AS one", schema + ".once", List.of()))), 201).get("id").asText();
        api.call("PUT", DAGS + "/" + id + "/schedule", Map.of("cron", "* * * * *", "time_zone", "UTC",
                "enabled", true, "catch_up", "none"), 200);
        await().atMost(Duration.ofSeconds(30)).until(() -> scheduleRows(id) == 1);

        await().atMost(Duration.ofSeconds(150)).until(() -> !api.get(DAGS + "/" + id + "/runs").isEmpty());
        api.call("PUT", DAGS + "/" + id + "/schedule", Map.of("cron", "* * * * *", "time_zone", "UTC",
                "enabled", false, "catch_up", "none"), 200);
        JsonNode run = api.get(DAGS + "/" + id + "/runs").get(0);
        assertThat(run.get("trigger").asText()).isEqualTo("schedule");
        assertThat(run.get("execution_date").asText()).isEqualTo(java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                .toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> scheduleRows(id) == 0);
    }

    private long scheduleRows(String pipelineId) {
        return controlPlane.queryForObject(
                "SELECT count(*) FROM scheduled_tasks WHERE task_name = 'dag-schedule' AND task_instance = ?",
                Long.class, pipelineId);
    }

    private Map<String, Object> dailyRevenue(String schema, List<String> checks) {
        Map<String, Object> extract = sqlTask("extract_orders",
                "SELECT * FROM raw.orders WHERE date = '${execution_date}'", schema + ".orders_daily", List.of());
        Map<String, Object> transform = sqlTask("transform_revenue",
                "SELECT region, SUM(amount) as revenue FROM " + schema + ".orders_daily GROUP BY region",
                schema + ".revenue_by_region", List.of("extract_orders"));
        Map<String, Object> quality = new LinkedHashMap<>(Map.of("id", "quality_check", "type", "quality",
                "depends_on", List.of("transform_revenue"), "checks", checks));
        Map<String, Object> notify = new LinkedHashMap<>(Map.of("id", "notify", "type", "notification",
                "depends_on", List.of("quality_check"), "channel", "slack",
                "message", "Daily revenue pipeline completed"));
        Map<String, Object> body = definition("daily_revenue_" + suffix, List.of(extract, transform, quality, notify));
        body.put("schedule", "0 6 * * *");
        return body;
    }

    private Map<String, Object> definition(String name, List<Map<String, Object>> tasks) {
        Map<String, Object> body = new HashMap<>();
        body.put("name", name);
        body.put("tasks", tasks);
        body.put("postgres_service_id", postgres);
        body.put("database", LocalStack.SOURCE_DATABASE);
        body.put("kafka_service_id", kafka);
        return body;
    }

    private static Map<String, Object> sqlTask(String id, String query, String output, List<String> dependsOn) {
        Map<String, Object> task = new LinkedHashMap<>(Map.of("id", id, "type", "sql", "query", query,
                "output", output));
        if (!dependsOn.isEmpty()) {
            task.put("depends_on", dependsOn);
        }
        return task;
    }

    private JsonNode run(String pipelineId, String runId) {
        return api.get(DAGS + "/" + pipelineId + "/runs/" + runId);
    }

    private JsonNode awaitRunEnded(String pipelineId, String runId) {
        await().atMost(RUN_ENDS_WITHIN).pollInterval(Duration.ofMillis(300)).until(() ->
                !"running".equals(run(pipelineId, runId).get("status").asText()));
        return run(pipelineId, runId);
    }

    private static JsonNode task(JsonNode run, String taskId) {
        for (JsonNode task : run.get("tasks")) {
            if (taskId.equals(task.get("id").asText())) {
                return task;
            }
        }
        throw new AssertionError("no task " + taskId + " in " + run);
    }

    private Map<String, BigDecimal> revenueByRegion(String schema) throws Exception {
        Map<String, BigDecimal> revenue = new LinkedHashMap<>();
        try (Connection connection = stack.source().connect(LocalStack.SOURCE_DATABASE);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT region, revenue FROM " + schema
                     + ".revenue_by_region ORDER BY region")) {
            while (rows.next()) {
                revenue.put(rows.getString(1), rows.getBigDecimal(2));
            }
        }
        return revenue;
    }

    private int sourceInt(String query) {
        try (Connection connection = stack.source().connect(LocalStack.SOURCE_DATABASE);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(query)) {
            rows.next();
            return rows.getInt(1);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
