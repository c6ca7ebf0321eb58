package io.pipewright.app.operation;

import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalStack;
import io.pipewright.sagas.health.HealthCheckRound;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Tag;
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
 * The health monitor at 10,000 pipelines on one node: rounds of {@link HealthCheckRound} over {@code pipeline_health}
 * rows spread over 10 Kafka Connect workers (stand-ins answering Connect's documented listing) and one real source
 * PostgreSQL. Every connector runs as recorded, so the rounds send no command: this is the steady state of a healthy
 * fleet. Prints, per round, the time it takes, the requests to the workers, and the heap it needs. Not part of the
 * suite: {@code bin/pipewright bench health [--pipelines N]}; figures also in {@code app/target/bench/health.txt}.
 */
@Tag("benchmark")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "pipewright.health.tick=PT1H", "pipewright.failover.primary-watch-interval=PT1H"})
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class HealthRoundBenchmark {

    private static final int WORKERS = 10;
    private static final int ROUNDS = 5;

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;
    @Autowired
    HealthCheckRound round;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void healthRounds() throws Exception {
        int pipelines = Integer.getInteger("bench.health.pipelines", 10_000);
        LocalStack stack = ControlPlaneDatabase.stack();
        List<String> lines = new ArrayList<>();
        try (MonitoredFleet fleet = MonitoredFleet.of(new PipewrightClient(web, stack), stack, jdbc, pipelines,
                WORKERS)) {
            lines.add(String.format("%d pipelines on %d Connect workers and 1 source; batch %s", pipelines, WORKERS,
                    System.getProperty("pipewright.health.batch-size", "500")));
            lines.add("round  checked  duration(ms)  per_pipeline(us)  worker_listings  heap_after_gc(MiB)  "
                    + "old_gen_peak(MiB)");
            for (int r = 1; r <= ROUNDS; r++) {
                jdbc.update("UPDATE pipeline_health SET next_check_at = now()");
                int listingsBefore = fleet.listings();
                resetPeaks();
                long started = System.nanoTime();
                int checked = round.run();
                long micros = (System.nanoTime() - started) / 1_000;
                lines.add(String.format("%5d  %7d  %12d  %16d  %15d  %18d  %17d", r, checked, micros / 1_000,
                        micros / Math.max(checked, 1), fleet.listings() - listingsBefore, heapAfterGc(),
                        oldGenerationPeak()));
            }
        }
        Path report = Path.of("target", "bench", "health.txt");
        Files.createDirectories(report.getParent());
        Files.write(report, lines);
    }

    private static void resetPeaks() {
        ManagementFactory.getMemoryPoolMXBeans().forEach(MemoryPoolMXBean::resetPeakUsage);
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() >> 20;
    }

    private static long oldGenerationPeak() {
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP && pool.getName().contains("Old"))
                .mapToLong(pool -> pool.getPeakUsage().getUsed() >> 20).sum();
    }
}
