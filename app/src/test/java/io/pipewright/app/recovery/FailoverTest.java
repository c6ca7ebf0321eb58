package io.pipewright.app.recovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A primary failover on PostgreSQL 17 with a synced failover slot: the pipeline is re-pointed to the promoted standby
 * with no human action, every row whose commit was acknowledged, before and after the promotion, is in Kafka, and no
 * data gap is reported, since the slot was synced.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class FailoverTest {

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;

    @Test
    void aPromotedStandbyTakesOverThePipelineAndNoAcknowledgedRowIsLost() throws Exception {
        FailoverDrill.Result result = new FailoverDrill(new PipewrightClient(web, ControlPlaneDatabase.stack()),
                ControlPlaneDatabase.stack(), Path.of("target", "failover").toAbsolutePath()).run();

        assertThat(result.events()).containsSubsequence("PipelineRunning", "FailoverDetected", "ConnectorRepointed");
        assertThat(result.events()).as("the synced slot resumed where it was: no data gap")
                .doesNotContain("DataGapDetected");
        assertThat(result.committed()).isGreaterThan(100);
        assertThat(result.lost()).as("acknowledged rows missing from Kafka").isEmpty();
    }
}
