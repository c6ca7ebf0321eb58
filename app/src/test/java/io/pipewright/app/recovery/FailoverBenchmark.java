package io.pipewright.app.recovery;

import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * Prints, per failover drill: promotion of the standby → connector RUNNING on it, the acknowledged rows written, the
 * rows lost (must be 0 on PostgreSQL 17) and the rows delivered twice. Not part of the suite: run it with
 * {@code bin/pipewright bench failover [--runs N]}; figures go to the console and {@code app/target/bench/failover.txt}.
 * The primary watch runs every second here (the test configuration), every 5 s by default.
 */
@Tag("benchmark")
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class FailoverBenchmark {

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;

    @Test
    void failoverDrills() throws Exception {
        int runs = Integer.getInteger("bench.failover.runs", 3);
        FailoverDrill drill = new FailoverDrill(new PipewrightClient(web, ControlPlaneDatabase.stack()),
                ControlPlaneDatabase.stack(), Path.of("target", "failover").toAbsolutePath());
        List<String> lines = new ArrayList<>();
        lines.add("run  promotion->RUNNING(ms)  rows_written  rows_lost  rows_redelivered");
        for (int run = 1; run <= runs; run++) {
            FailoverDrill.Result result = drill.run();
            lines.add(String.format("%3d  %22d  %12d  %9d  %16d", run, result.promotionToRunning().toMillis(),
                    result.committed(), result.lost().size(), result.redelivered()));
        }
        Path report = Path.of("target", "bench", "failover.txt");
        writeReport(report, lines);
    }

    private static void writeReport(Path report, List<String> lines) throws IOException {
        Files.createDirectories(report.getParent());
        Files.write(report, lines);
    }
}
