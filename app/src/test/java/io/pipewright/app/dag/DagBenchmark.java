package io.pipewright.app.dag;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * What the DAG engine itself costs, on the real stack with trivial SQL ({@code SELECT 1}) so that the tasks' own work
 * is near zero: (1) one run of a 50-task fan-out/fan-in DAG, per task the wait between its dependencies' end (or the
 * run's start) and its own start, and the run's wall time; (2) 100 runs of a three-task chain requested at once (one
 * per pipeline), runs per second until all ended. Not part of the suite: {@code bin/pipewright bench dags [--runs N]};
 * figures also in {@code app/target/bench/dags.txt}.
 */
@Tag("benchmark")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT60S")
@DirtiesContext
class DagBenchmark {

    private static final String DAGS = DagPipelineEndToEndTest.DAGS;

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;

    @Test
    void dagEngineOverhead() throws Exception {
        LocalStack stack = ControlPlaneDatabase.stack();
        PipewrightClient api = new PipewrightClient(web, stack);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String postgres = api.register(api.source("bench-source-" + suffix, "local"));
        api.awaitServiceRunning(postgres);
        List<String> lines = new ArrayList<>();
        lines.add("DAG engine, " + Instant.now() + ", " + Runtime.getRuntime().availableProcessors() + " cores");

        List<Map<String, Object>> fan = new ArrayList<>();
        fan.add(task("root", List.of(), "fan_" + suffix));
        List<String> middle = IntStream.range(0, 48).mapToObj(i -> "m" + i).toList();
        middle.forEach(id -> fan.add(task(id, List.of("root"), "fan_" + suffix)));
        fan.add(task("sink", middle, "fan_" + suffix));
        String fanId = api.call("POST", DAGS, definition("fan_" + suffix, fan, postgres), 201).get("id").asText();
        JsonNode fanRun = awaitEnded(api, fanId, trigger(api, fanId), Duration.ofMinutes(10));
        Map<String, Instant> ended = new HashMap<>();
        fanRun.get("tasks").forEach(t -> ended.put(t.get("id").asText(), Instant.parse(t.get("ended_at").asText())));
        Instant runStart = Instant.parse(fanRun.get("started_at").asText());
        long waitSum = 0;
        long busySum = 0;
        for (JsonNode t : fanRun.get("tasks")) {
            Instant ready = runStart;
            for (JsonNode dependency : t.get("depends_on")) {
                Instant dependencyEnd = ended.get(dependency.asText());
                ready = dependencyEnd.isAfter(ready) ? dependencyEnd : ready;
            }
            Instant started = Instant.parse(t.get("started_at").asText());
            waitSum += Duration.between(ready, started).toMillis();
            busySum += Duration.between(started, ended.get(t.get("id").asText())).toMillis();
        }
        long wall = Duration.between(runStart, Instant.parse(fanRun.get("ended_at").asText())).toMillis();
        lines.add(String.format("fan-out/fan-in, 50 tasks: status %s, wall %d ms, mean wait ready->started %d ms,"
                        + " mean task run %d ms, wall per task %d ms", fanRun.get("status").asText(), wall,
                waitSum / 50, busySum / 50, wall / 50));

        int runs = Integer.getInteger("bench.dags.runs", 100);
        List<String> pipelines = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            String name = "chain_" + i + "_" + suffix;
            pipelines.add(api.call("POST", DAGS, definition(name, List.of(task("a", List.of(), name),
                    task("b", List.of("a"), name), task("c", List.of("b"), name)), postgres), 201)
                    .get("id").asText());
        }
        Instant requested = Instant.now();
        List<String> runIds = pipelines.stream().map(id -> trigger(api, id)).toList();
        long triggerMillis = Duration.between(requested, Instant.now()).toMillis();
        int succeeded = 0;
        List<JsonNode> endedRuns = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            JsonNode run = awaitEnded(api, pipelines.get(i), runIds.get(i), Duration.ofMinutes(20));
            endedRuns.add(run);
            if ("succeeded".equals(run.get("status").asText())) {
                succeeded++;
            }
        }
        long allMillis = Duration.between(requested, Instant.now()).toMillis();
        long chainWait = 0;
        long chainRun = 0;
        for (JsonNode run : endedRuns) {
            Instant ready = Instant.parse(run.get("started_at").asText());
            for (JsonNode t : run.get("tasks")) {
                Instant started = Instant.parse(t.get("started_at").asText());
                Instant taskEnded = Instant.parse(t.get("ended_at").asText());
                chainWait += Duration.between(ready, started).toMillis();
                chainRun += Duration.between(started, taskEnded).toMillis();
                ready = taskEnded;
            }
        }
        lines.add(String.format("%d concurrent runs of a 3-task chain: %d succeeded, requested in %d ms, all ended"
                + " in %d ms, %.1f runs/s, %.1f tasks/s; per task: wait ready->started %d ms, run %d ms", runs,
                succeeded, triggerMillis, allMillis, runs * 1000.0 / allMillis, runs * 3000.0 / allMillis,
                chainWait / (3L * runs), chainRun / (3L * runs)));

        Path report = Path.of("target", "bench", "dags.txt");
        Files.createDirectories(report.getParent());
        Files.write(report, lines);
        lines.forEach(System.out::println);
    }

    private static Map<String, Object> task(String id, List<String> dependsOn, String schema) {
        Map<String, Object> task = new HashMap<>(Map.of("id", id, "type", "sql", "query", "SELECT 1 AS one",
                "output", schema + "." + id));
        if (!dependsOn.isEmpty()) {
            task.put("depends_on", dependsOn);
        }
        return task;
    }

    private static Map<String, Object> definition(String name, List<Map<String, Object>> tasks, String postgres) {
        return new HashMap<>(Map.of("name", name, "tasks", tasks, "postgres_service_id", postgres,
                "database", LocalStack.SOURCE_DATABASE));
    }

    private static String trigger(PipewrightClient api, String pipelineId) {
        return api.call("POST", DAGS + "/" + pipelineId + "/run", null, 202).get("run_id").asText();
    }

    private static JsonNode awaitEnded(PipewrightClient api, String pipelineId, String runId, Duration within) {
        String path = DAGS + "/" + pipelineId + "/runs/" + runId;
        await().atMost(within).pollInterval(Duration.ofMillis(200)).until(() ->
                !"running".equals(api.get(path).get("status").asText()));
        return api.get(path);
    }
}
