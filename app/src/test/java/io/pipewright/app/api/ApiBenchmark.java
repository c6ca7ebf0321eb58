package io.pipewright.app.api;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The API at production speed, in one run on the real stack: N pipelines (default 10,000) of one organization kept
 * Pending by a registered PostgreSQL source that nothing listens for, loaded by 16 concurrent clients; then the
 * unauthenticated 401 rate (the server's own ceiling, the baseline), the status GET with Basic and with a Bearer token
 * at 8 and 64 connections, the first page of the pipeline list, the idle control plane's CPU, its heap after GC, the
 * creates (wrk at 16 connections, after the load warmed their path), and a projection rebuild over a million events
 * (the target's own measure: a million events in under a minute; {@code -Dbench.api.rebuild-events=}, at least
 * 100,000), each printed with the target and its ratio to the baseline (for the status and list runs, a 401
 * run at the same number of connections right before each). The control plane runs with a deployment's settings
 * (BCrypt strength 10, a 60 s health interval, the default pools), not the tests' faster ones.
 * Not part of the suite: {@code bin/pipewright bench api [--pipelines N]}; figures also in
 * {@code app/target/bench/api.txt}. Benchmarks print; they assert nothing about time.
 */
@Tag("benchmark")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "pipewright.security.bcrypt-strength=10", "pipewright.health.check-interval=PT60S",
        "pipewright.health.tick=PT5S", "pipewright.failover.primary-watch-interval=PT5S",
        "spring.datasource.hikari.maximum-pool-size=30", "spring.datasource.hikari.minimum-idle=4",
        "spring.r2dbc.pool.max-size=10", "db-scheduler.threads=16"})
@AutoConfigureWebTestClient(timeout = "PT60S")
@DirtiesContext
class ApiBenchmark {

    private static final int CREATE_CLIENTS = 16;
    private static final int MINIMUM_REPLAYED_EVENTS = 100_000;
    private static final int DEFAULT_REPLAYED_EVENTS = 1_000_000;
    private static final String FORMAT = "%-42s %-56s %-38s %s";

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventStore eventStore;
    @Autowired
    EventProcessingConfiguration processing;
    @LocalServerPort
    int port;

    private final List<String> lines = new ArrayList<>();

    @Test
    void apiAtProductionSpeed() throws Exception {
        int pipelines = Integer.getInteger("bench.api.pipelines", 10_000);
        int seconds = Integer.getInteger("bench.api.seconds", 20);
        int idleSeconds = Integer.getInteger("bench.api.idle-seconds", 30);
        int warmUpSeconds = Integer.getInteger("bench.api.warm-up-seconds", 10);
        int warmUpRounds = Integer.getInteger("bench.api.warm-up-rounds", 2);
        String baseUrl = "http://127.0.0.1:" + port;
        String basic = "Basic " + Base64.getEncoder().encodeToString(
                "test-admin:test-admin-password".getBytes(StandardCharsets.UTF_8));
        PipewrightClient api = new PipewrightClient(web, ControlPlaneDatabase.stack());
        Wrk wrk = Wrk.against(baseUrl, Path.of("target", "bench", "api-wrk"), seconds);

        String sink = api.register(api.sink("bench-kafka", "local", ControlPlaneDatabase.stack().connect().restUrl()));
        api.awaitServiceRunning(sink);
        String source = api.register(unreachableSource());
        PipelineLoad.Created load = PipelineLoad.create(baseUrl, basic, source, sink, pipelines, CREATE_CLIENTS);
        long pending = jdbc.queryForObject("SELECT count(*) FROM pipeline_view WHERE status = 'Pending'", Long.class);

        lines.add(String.format("API benchmark, %s, %d cores, %s; wrk %d s per run (%d threads, its 2 s timeout)",
                Instant.now(), Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"), seconds,
                Wrk.THREADS));
        lines.add(String.format("%d pipelines loaded by %d clients in %.1f s (%d Pending after the load)",
                pipelines, CREATE_CLIENTS, load.elapsedNanos() / 1e9, pending));
        lines.add(String.format(FORMAT, "figure", "measured", "target", "vs 401"));

        List<String> statusPaths = load.pipelineIds().stream().map(id -> "/pipelines/" + id + "/status").toList();
        String bearer = bearerToken(baseUrl, basic);
        Wrk warmUpWrk = Wrk.against(baseUrl, Path.of("target", "bench", "api-wrk"), warmUpSeconds);
        for (int round = 1; round <= warmUpRounds; round++) {
            warmUp(warmUpWrk, round, statusPaths, basic, bearer);
        }
        Wrk.Result baseline8 = wrk.run("unauthenticated-8", statusPaths, null, 8);
        Wrk.Result baseline64 = wrk.run("unauthenticated-64", statusPaths, null, 64);
        lines.add(row("401 without credentials, 8 connections", baseline8, "baseline", baseline8));
        lines.add(row("401 without credentials, 64 connections", baseline64, "baseline", baseline64));

        reportStatus("Basic", basic, statusPaths, wrk);
        if (bearer != null) {
            reportStatus("Bearer", bearer, statusPaths, wrk);
        }

        lines.add(pairedRow("pipeline list ?limit=100, Basic, 8 conn.", "≥ 25 % of the 401 rate", wrk, "list-8",
                statusPaths, List.of(PipewrightClient.PIPELINES + "?limit=100"), basic, 8));

        double idleCores = idleCpu(idleSeconds);
        lines.add(String.format(FORMAT, "idle control plane, " + pipelines + " Pending",
                String.format("%.1f %% of one core over %d s", idleCores * 100, idleSeconds), "< 10 % of one core",
                "-"));
        System.gc();
        long heapMib = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
        lines.add(String.format(FORMAT, "heap after GC", heapMib + " MiB", "-", "-"));

        lines.add(creates(wrk, source, sink, basic, baseline8));
        lines.add(String.format(FORMAT, "the load: " + pipelines + " creates, cold JVM",
                String.format("%.1f/s, p50 %.0f ms, p99 %.0f ms", load.perSecond(), load.percentileMillis(50),
                        load.percentileMillis(99)), "- (its first requests; see creates)",
                ratio(load.perSecond(), baseline8)));

        lines.addAll(rebuilds(api));
        Path report = Path.of("target", "bench", "api.txt");
        Files.createDirectories(report.getParent());
        Files.write(report, lines);
        lines.forEach(System.out::println);
    }

    /**
     * Runs each kind of request, unmeasured, so that the runs measured compare paths the JIT compiled alike (the
     * first measured run would otherwise pay for compiling its path, the later ones not). One round of 5 s was not
     * enough: the compiler threads still took a tenth of the machine during the first authenticated run, which then
     * read a third lower than the same path a minute later; the rounds repeat every kind so that code shared by the
     * kinds is recompiled for all of them before anything is measured. The creates' own warm-up is the load.
     */
    private static void warmUp(Wrk wrk, int round, List<String> statusPaths, String basic, String bearer)
            throws IOException, InterruptedException {
        wrk.run("warm-up-" + round + "-unauthenticated", statusPaths, null, 8);
        wrk.run("warm-up-" + round + "-basic", statusPaths, basic, 8);
        if (bearer != null) {
            wrk.run("warm-up-" + round + "-bearer", statusPaths, bearer, 8);
        }
        wrk.run("warm-up-" + round + "-list", List.of(PipewrightClient.PIPELINES + "?limit=100"), basic, 8);
    }

    /**
     * The creates figure: wrk's {@value #CREATE_CLIENTS} connections POST new pipelines for the configured time, each
     * its next as soon as the previous one was answered, after the load (the control plane's first requests, when the
     * JIT compiler still took a fifth of the machine). Measured after the idle control plane, so that the idle figure
     * counts N Pending pipelines; a create answered with anything but 2xx fails the benchmark, as in the load.
     */
    private String creates(Wrk wrk, String source, String sink, String basic, Wrk.Result baseline8)
            throws IOException, InterruptedException {
        Wrk.Result creates = wrk.createPipelines("creates-" + CREATE_CLIENTS, PipewrightClient.PIPELINES, source,
                sink, basic, CREATE_CLIENTS);
        if (creates.non2xx() > 0) {
            throw new IllegalStateException(creates.non2xx() + " creates were not answered 2xx: see "
                    + Path.of("target", "bench", "api-wrk", "creates-" + CREATE_CLIENTS + ".txt"));
        }
        return row("creates, " + CREATE_CLIENTS + " connections", creates, "≥ 200/s, p99 ≤ 250 ms", baseline8);
    }

    /** A PostgreSQL service on a loopback port that was free a moment ago: its probe never succeeds. */
    private static Map<String, Object> unreachableSource() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        return Map.of("name", "bench-unreachable-pg", "database_type", "postgresql", "version", "17", "zone",
                "local", "postgresql", Map.of(
                        "hosts", List.of(Map.of("host", "127.0.0.1", "port", port, "role", "primary")),
                        "admin_user", "postgres", "admin_password", "never-used-password",
                        "hba_management", "external"));
    }

    private void reportStatus(String scheme, String authorization, List<String> statusPaths, Wrk wrk)
            throws IOException, InterruptedException {
        lines.add(pairedRow("status GET, " + scheme + ", 8 connections", "≥ 50 % of the 401 rate; p99 ≤ 25 ms", wrk,
                scheme + "-8", statusPaths, statusPaths, authorization, 8));
        lines.add(pairedRow("status GET, " + scheme + ", 64 connections", "≥ 50 % of the 401 rate; no timeouts",
                wrk, scheme + "-64", statusPaths, statusPaths, authorization, 64));
    }

    /**
     * A measured run's row, its ratio taken against a 401 run at the same number of connections right before it: the
     * machine's speed drifts by tens of percent within minutes (the 401 run alone cost its JVM 225 µs of CPU per
     * request in one run and 370 µs in another, with the same profile), and a ratio against a baseline measured
     * minutes earlier carried that drift.
     */
    private static String pairedRow(String figure, String target, Wrk wrk, String label, List<String> statusPaths,
                                    List<String> paths, String authorization, int connections)
            throws IOException, InterruptedException {
        Wrk.Result baseline = wrk.run(label + "-401-before", statusPaths, null, connections);
        Wrk.Result measured = wrk.run(label, paths, authorization, connections);
        return row(figure, measured, target, baseline) + String.format(" (of %.0f/s just before)", baseline.rate());
    }

    /**
     * A token from {@code POST /tokens} when the control plane has it; null, with a line saying why, when it answers
     * anything but a token.
     */
    private String bearerToken(String baseUrl, String basic) throws IOException, InterruptedException {
        String body = "{\"name\": \"api-benchmark\", \"expires_at\": \"" + Instant.now().plus(Duration.ofHours(2))
                + "\"}";
        HttpResponse<byte[]> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(baseUrl + "/tokens")).header("Authorization", basic)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        JsonNode token = response.statusCode() / 100 == 2 ? PipewrightClient.read(response.body()).get("token") : null;
        if (token == null || !token.isTextual()) {
            lines.add(String.format(FORMAT, "status GET, Bearer",
                    "skipped: POST /tokens answered " + response.statusCode() + " without a token", "-", "-"));
            return null;
        }
        return "Bearer " + token.asText();
    }

    /** The share of one core this process used over the window, while nothing called it. */
    private static double idleCpu(int seconds) throws InterruptedException {
        long cpuBefore = processCpuNanos();
        long started = System.nanoTime();
        // The window is the measurement: the control plane is left alone for it, nothing waits on a condition.
        Thread.sleep(seconds * 1_000L);
        return (double) (processCpuNanos() - cpuBefore) / (System.nanoTime() - started);
    }

    private static long processCpuNanos() {
        return ProcessHandle.current().info().totalCpuDuration().orElseThrow().toNanos();
    }

    /**
     * Two rebuilds of the views over {@code bench.api.rebuild-events} events (default {@value #DEFAULT_REPLAYED_EVENTS},
     * at least {@value #MINIMUM_REPLAYED_EVENTS}), each watched through
     * {@code GET /operator/projections} until every projection has handled the event that was last when it started:
     * the first in a JVM that never replayed before (the replay's code is still being compiled), the second warm.
     * When the pipelines' and services' own events are fewer, {@link FillerEvents} tops them up first, and every
     * event processor (the sagas too) catches up on those before the rebuild starts, so the replay runs alone.
     */
    private List<String> rebuilds(PipewrightClient api) {
        long own = storedEvents();
        int replayed = Math.max(MINIMUM_REPLAYED_EVENTS, Integer.getInteger("bench.api.rebuild-events",
                DEFAULT_REPLAYED_EVENTS));
        long filler = FillerEvents.append(api, eventStore, jdbc, replayed - own);
        long head = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
        awaitEveryProcessorAt(head);
        long events = storedEvents();
        List<String> rows = new ArrayList<>();
        for (String which : List.of("rebuild", "rebuild again (warm)")) {
            long started = System.nanoTime();
            api.call("POST", "/operator/projections/rebuild", null, 202);
            awaitViewsAt(api, head);
            double seconds = (System.nanoTime() - started) / 1e9;
            rows.add(String.format(FORMAT, which,
                    String.format("%.0f events/s (%d events in %.1f s; %d appended as filler)", events / seconds,
                            events, seconds, filler), "≥ 20,000 events/s", "-"));
        }
        return rows;
    }

    /** Waits until every event processor of this control plane has handled the event at {@code head}. */
    private void awaitEveryProcessorAt(long head) {
        await().atMost(Duration.ofHours(1)).pollInterval(Duration.ofMillis(200)).until(() -> processing
                .eventProcessors().values().stream()
                .map(processor -> (StreamingEventProcessor) processor)
                .allMatch(processor -> processor.processingStatus().values().stream().anyMatch(segment ->
                        segment.getCurrentPosition().orElse(-1) >= head)));
    }

    private long storedEvents() {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry", Long.class);
    }

    private static void awaitViewsAt(PipewrightClient api, long head) {
        await().atMost(Duration.ofHours(1)).pollInterval(Duration.ofMillis(100))
                .until(() -> caughtUp(api.get("/operator/projections"), head));
    }

    private static boolean caughtUp(JsonNode projections, long head) {
        for (JsonNode projection : projections) {
            if (!projection.get("running").asBoolean() || projection.get("replaying").asBoolean()
                    || !projection.path("position").isNumber() || projection.get("position").asLong() < head) {
                return false;
            }
        }
        return true;
    }

    private static String row(String figure, Wrk.Result result, String target, Wrk.Result baseline) {
        String measured = result.timeouts() == result.requests()
                ? String.format("%.0f/s, every one of %d timed out", result.rate(), result.requests())
                : String.format("%.0f/s, p50 %.1f ms, p99 %.1f ms", result.rate(), result.p50Millis(),
                        result.p99Millis());
        if (result.timeouts() > 0 && result.timeouts() < result.requests()) {
            measured += ", " + result.timeouts() + " timeouts";
        }
        if (baseline != result && result.non2xx() > 0) {
            measured += ", " + result.non2xx() + " not 2xx";
        }
        return String.format(FORMAT, figure, measured, target, ratio(result.rate(), baseline));
    }

    private static String ratio(double rate, Wrk.Result baseline) {
        return String.format("%.1f %%", 100 * rate / baseline.rate());
    }
}
