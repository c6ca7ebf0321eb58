package io.pipewright.app.operation;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalStack;
import io.pipewright.sagas.health.HealthCheckRound;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
        PipewrightClient api = new PipewrightClient(web, stack);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String source = api.register(api.source("scale-source-" + suffix, "local"));
        List<UUID> ids = new ArrayList<>();
        List<String> connectors = new ArrayList<>();
        for (int i = 0; i < PIPELINES; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            connectors.add("mdb-pipeline-" + id.toString().substring(0, 8));
        }
        try (StandInConnectWorkers worker = new StandInConnectWorkers(List.of(connectors), stack.source().host(),
                stack.source().port())) {
            String sink = api.register(api.sink("scale-kafka-" + suffix, "local", worker.url(0)));
            api.awaitServiceRunning(source);
            api.awaitServiceRunning(sink);
            for (UUID id : ids) {
                jdbc.update("""
                                INSERT INTO pipeline_health (pipeline_id, source_service_id, sink_service_id, monitored,
                                    next_check_at, recorded_state, recorded_tasks)
                                VALUES (?, ?::uuid, ?::uuid, true, now(), 'RUNNING', '0:RUNNING')""",
                        id, source, sink);
            }

            int listingsBefore = worker.listings();
            assertThat(round.run()).isEqualTo(PIPELINES);

            assertThat(worker.listings() - listingsBefore).isEqualTo(1);
            assertThat(jdbc.queryForObject("""
                    SELECT count(*) FROM pipeline_health
                    WHERE last_health_check_at IS NOT NULL AND connected_port = ?""", Long.class, stack.source().port()))
                    .isEqualTo(PIPELINES);
        }
    }
}
