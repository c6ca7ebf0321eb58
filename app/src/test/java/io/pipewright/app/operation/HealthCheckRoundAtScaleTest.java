package io.pipewright.app.operation;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalStack;
import io.pipewright.sagas.health.HealthCheckRound;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A health round over more pipelines than one batch, on a worker whose listing is larger than a default HTTP buffer,
 * with an interval shorter than the round itself (0 s here): it checks each pipeline once, lists the worker once and
 * ends. The worker is a stand-in holding 1,200 RUNNING connectors; the real worker is covered by
 * {@link RunningPipelineOperationTest}.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "pipewright.health.tick=PT1H", "pipewright.failover.primary-watch-interval=PT1H",
        "pipewright.health.check-interval=PT0S"})
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class HealthCheckRoundAtScaleTest {

    private static final int PIPELINES = 1_200;

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
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aRoundChecksEveryDuePipelineOnceAndListsEachWorkerOnce() {
        LocalStack stack = ControlPlaneDatabase.stack();
        try (MonitoredFleet fleet = MonitoredFleet.of(new PipewrightClient(web, stack), stack, jdbc, PIPELINES, 1)) {
            int listingsBefore = fleet.listings();
            assertThat(round.run()).isEqualTo(PIPELINES);

            assertThat(fleet.listings() - listingsBefore).isEqualTo(1);
            assertThat(jdbc.queryForObject("""
                    SELECT count(*) FROM pipeline_health
                    WHERE last_health_check_at IS NOT NULL AND connected_port = ?""", Long.class, stack.source().port()))
                    .isEqualTo(PIPELINES);
        }
    }
}
