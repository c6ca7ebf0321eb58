package io.pipewright.launcher;

import static io.pipewright.launcher.ControlPlaneProcesses.ORGANIZATION;
import static io.pipewright.launcher.ControlPlaneProcesses.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.localstack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * SIGKILL a real control-plane process inside a step, start another on the same database, and show the work completes
 * as if nothing happened: inside each provisioning step (its resource converged, not yet recorded) the pipeline runs
 * with exactly one of each resource; inside each teardown step (its resource removed, not yet recorded) the pipeline
 * is deleted and the source is as before; while pipelines are only monitored, the next one goes on checking them.
 */
class ControlPlaneKillTest {

    static LocalStack stack;

    @TempDir
    Path work;

    private ControlPlaneProcesses controlPlanes;

    @BeforeAll
    static void startStack() {
        stack = LocalStack.builder().workDirectory(Path.of("target", "kill-test-stack")).start();
    }

    @AfterAll
    static void stopStack() {
        stack.close();
    }

    @BeforeEach
    void controlPlanes() {
        controlPlanes = new ControlPlaneProcesses(stack, work);
    }

    @AfterEach
    void stopControlPlanes() {
        controlPlanes.close();
    }

    @ParameterizedTest
    @EnumSource(ProvisionStep.class)
    void aControlPlaneKilledInsideTheStepIsCompletedByTheNextOne(ProvisionStep step) throws Exception {
        String database = "control_plane_" + UUID.randomUUID().toString().replace("-", "");
        stack.controlPlaneDatabase().createDatabase(database);
        Path holds = Files.createDirectories(work.resolve("holds"));
        Files.writeString(holds.resolve(step.wireName()), "hold");

        String api = controlPlanes.start(database, holds, "first");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        List<String> services = controlPlanes.registerServices(api, suffix);
        String pipeline = call(api, "POST", "/organizations/" + ORGANIZATION + "/pipelines", Map.of(
                "name", "killed-in-" + step.wireName().replace('_', '-') + "-" + suffix,
                "pipeline_type", "cdc_pg_to_kafka", "source_service_id", services.get(0),
                "sink_service_id", services.get(1),
                "config", Map.of("tables", List.of("orders"), "topic_prefix", "kill" + suffix)), 202)
                .get("id").asText();

        await().atMost(Duration.ofMinutes(4)).until(() -> Files.exists(holds.resolve(step.wireName() + ".entered")));
        controlPlanes.killLatest();
        Files.delete(holds.resolve(step.wireName()));

        String restarted = controlPlanes.start(database, holds, "second");
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                assertThat(call(restarted, "GET", "/pipelines/" + pipeline + "/status", null, 200)
                        .get("status").asText()).isEqualTo("Running"));

        String tag = pipeline.replace("-", "");
        assertThat(controlPlanes.countOnSource("SELECT count(*) FROM pg_roles WHERE rolname = 'pipewright_" + tag
                + "'")).isEqualTo(1);
        assertThat(controlPlanes.countOnSource("SELECT count(*) FROM pg_publication WHERE pubname = 'pipewright_"
                + tag + "'")).isEqualTo(1);
        assertThat(controlPlanes.countOnSource("SELECT count(*) FROM pg_replication_slots WHERE slot_name = "
                + "'pipewright_" + tag + "'")).isEqualTo(1);
        assertThat(Files.readAllLines(stack.source().hbaFile()))
                .filteredOn(line -> line.endsWith("# pipewright:" + pipeline)).hasSize(1);
        assertThat(controlPlanes.connectors())
                .filteredOn(name -> name.equals("mdb-pipeline-" + pipeline.substring(0, 8))).hasSize(1);
    }

    @ParameterizedTest
    @EnumSource(value = ProvisionStep.class, names = {"CREATE_CONNECTOR", "CREATE_PUBLICATION", "PREPARE_SOURCE"})
    void aControlPlaneKilledInsideATeardownStepIsFinishedByTheNextOne(ProvisionStep step) throws Exception {
        String database = "control_plane_" + UUID.randomUUID().toString().replace("-", "");
        stack.controlPlaneDatabase().createDatabase(database);
        Path holds = Files.createDirectories(work.resolve("holds"));
        String hold = step.wireName() + ".remove";
        Files.writeString(holds.resolve(hold), "hold");
        byte[] hbaBefore = Files.readAllBytes(stack.source().hbaFile());

        String api = controlPlanes.start(database, holds, "first");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        List<String> services = controlPlanes.registerServices(api, suffix);
        String pipelines = "/organizations/" + ORGANIZATION + "/pipelines";
        String pipeline = call(api, "POST", pipelines, Map.of(
                "name", "killed-removing-" + step.wireName().replace('_', '-') + "-" + suffix,
                "pipeline_type", "cdc_pg_to_kafka", "source_service_id", services.get(0),
                "sink_service_id", services.get(1),
                "config", Map.of("tables", List.of("orders"), "topic_prefix", "killdel" + suffix)), 202)
                .get("id").asText();
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() -> "Running".equals(
                call(api, "GET", "/pipelines/" + pipeline + "/status", null, 200).get("status").asText()));
        call(api, "DELETE", pipelines + "/" + pipeline, null, 202);

        await().atMost(Duration.ofMinutes(2)).until(() -> Files.exists(holds.resolve(hold + ".entered")));
        controlPlanes.killLatest();
        Files.delete(holds.resolve(hold));

        String restarted = controlPlanes.start(database, holds, "second");
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                call(restarted, "GET", pipelines + "/" + pipeline + "/events", null, 200).toString()
                        .contains("\"PipelineDeleted\""));

        String tag = pipeline.replace("-", "");
        assertThat(controlPlanes.countOnSource("SELECT count(*) FROM pg_roles WHERE rolname = 'pipewright_" + tag
                + "'")).isZero();
        assertThat(controlPlanes.countOnSource("SELECT count(*) FROM pg_publication WHERE pubname = 'pipewright_"
                + tag + "'")).isZero();
        assertThat(controlPlanes.countOnSource("SELECT count(*) FROM pg_replication_slots WHERE slot_name = "
                + "'pipewright_" + tag + "'")).isZero();
        assertThat(Files.readAllBytes(stack.source().hbaFile())).isEqualTo(hbaBefore);
        assertThat(controlPlanes.connectors()).doesNotContain("mdb-pipeline-" + pipeline.substring(0, 8));
        await().atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() ->
                call(restarted, "GET", pipelines + "/" + pipeline, null, 404));
    }

    @Test
    void aControlPlaneKilledWhileMonitoringLeavesTheHealthChecksToTheNextOne() throws Exception {
        String database = "control_plane_" + UUID.randomUUID().toString().replace("-", "");
        stack.controlPlaneDatabase().createDatabase(database);
        Path holds = Files.createDirectories(work.resolve("holds"));
        String[] quickChecks = {"--pipewright.health.check-interval=PT2S", "--pipewright.health.tick=PT1S"};

        String api = controlPlanes.start(database, holds, "first", quickChecks);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        List<String> services = controlPlanes.registerServices(api, suffix);
        String pipeline = call(api, "POST", "/organizations/" + ORGANIZATION + "/pipelines", Map.of(
                "name", "killed-monitoring-" + suffix,
                "pipeline_type", "cdc_pg_to_kafka", "source_service_id", services.get(0),
                "sink_service_id", services.get(1),
                "config", Map.of("tables", List.of("orders"), "topic_prefix", "killmon" + suffix)), 202)
                .get("id").asText();
        String status = "/pipelines/" + pipeline + "/status";
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).until(() ->
                call(api, "GET", status, null, 200).path("last_health_check_at").isTextual());

        controlPlanes.killLatest();
        Instant killed = Instant.now();
        String connector = "/connectors/mdb-pipeline-" + pipeline.substring(0, 8);
        controlPlanes.connectPut(connector + "/pause");

        String restarted = controlPlanes.start(database, holds, "second", quickChecks);
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode view = call(restarted, "GET", status, null, 200);
            assertThat(view.get("status").asText()).isEqualTo("Paused");
            assertThat(Instant.parse(view.get("last_health_check_at").asText())).isAfter(killed);
        });

        controlPlanes.connectPut(connector + "/resume");
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() ->
                "Running".equals(call(restarted, "GET", status, null, 200).get("status").asText()));
    }

    /**
     * A DAG run whose control plane is killed while its second task runs on the source: the next control plane revives
     * the attempt (db-scheduler finds it dead), the run succeeds, the first task (its success recorded) never runs
     * again, and the second task's output is whole and single.
     */
    @Test
    void aDagRunKilledMidTaskFinishesOnTheNextControlPlane() throws Exception {
        String database = "control_plane_" + UUID.randomUUID().toString().replace("-", "");
        stack.controlPlaneDatabase().createDatabase(database);
        Path holds = Files.createDirectories(work.resolve("holds"));
        String api = controlPlanes.start(database, holds, "first");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        List<String> services = controlPlanes.registerServices(api, suffix);
        String schema = "killed_run_" + suffix;
        String pipeline = call(api, "POST", "/api/v1/pipelines", Map.of("name", "killed_run_" + suffix,
                "postgres_service_id", services.get(0), "database", LocalStack.SOURCE_DATABASE,
                "tasks", List.of(
                        Map.of("id", "first", "type", "sql", "query", "SELECT clock_timestamp() AS at",
                                "output", schema + ".first"),
                        Map.of("id", "slow", "type", "sql", "depends_on", List.of("first"),
                                "query", "SELECT region, sum(amount) AS revenue FROM raw.orders, pg_sleep(6)"
                                        + " GROUP BY region", "output", schema + ".slow"))), 201)
                .get("id").asText();
        String run = "/api/v1/pipelines/" + pipeline + "/runs/"
                + call(api, "POST", "/api/v1/pipelines/" + pipeline + "/run", null, 202).get("run_id").asText();
        await().atMost(Duration.ofMinutes(2)).until(() -> controlPlanes.countOnSource(
                "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%pg_sleep(6)%'"
                        + " AND query NOT LIKE '%pg_stat_activity%'") == 1);
        long firstWrittenAt = controlPlanes.countOnSource(
                "SELECT (extract(epoch FROM at) * 1000000)::bigint FROM " + schema + ".first");

        controlPlanes.killLatest();
        String restarted = controlPlanes.start(database, holds, "second");
        String runOnRestarted = run;
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() ->
                !"running".equals(call(restarted, "GET", runOnRestarted, null, 200).get("status").asText()));

        JsonNode finished = call(restarted, "GET", run, null, 200);
        assertThat(finished.get("status").asText()).isEqualTo("succeeded");
        assertThat(finished.get("tasks").get(0).get("attempts").asInt()).isEqualTo(1);
        assertThat(controlPlanes.countOnSource("SELECT (extract(epoch FROM at) * 1000000)::bigint FROM " + schema
                + ".first")).isEqualTo(firstWrittenAt);
        assertThat(controlPlanes.countOnSource("SELECT count(*) FROM " + schema + ".slow")).isEqualTo(3);
        assertThat(controlPlanes.countOnSource("SELECT count(*) FROM pg_tables WHERE schemaname = '" + schema + "'"))
                .isEqualTo(2);
    }
}
