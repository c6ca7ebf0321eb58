package io.pipewright.kernel.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The status view's {@code health} and {@code error_message}: a Running pipeline whose source does not answer the
 * health round is degraded, saying since when; what the pipeline recorded (a connector's trace) is shown first.
 */
class PipelineHealthTest {

    private static final Instant SINCE = Instant.parse("2026-11-26T05:00:00Z");
    private static final List<TaskStateView> RUNNING = List.of(new TaskStateView(0, "RUNNING"));

    @Test
    void aSourceThatDoesNotAnswerMakesARunningPipelineDegradedSayingSinceWhen() {
        String message = PipelineHealth.errorMessage(null, SINCE);

        assertThat(message).isEqualTo("the source did not answer since 2026-11-26T05:00:00Z; nothing is measured and"
                + " nothing may stream until it does (the pipeline is not failed for it)");
        assertThat(PipelineHealth.of("Running", message, null, List.of())).isEqualTo(PipelineHealth.DEGRADED);
        assertThat(PipelineHealth.of("Paused", message, null, List.of())).isEqualTo(PipelineHealth.DEGRADED);
    }

    @Test
    void whatThePipelineRecordedComesFirstAndAnAnsweringSourceAddsNothing() {
        assertThat(PipelineHealth.errorMessage("connector task failed: boom", SINCE))
                .isEqualTo("connector task failed: boom");
        assertThat(PipelineHealth.errorMessage(null, null)).isNull();
        assertThat(PipelineHealth.of("Running", null, "RUNNING", RUNNING)).isEqualTo(PipelineHealth.HEALTHY);
        assertThat(PipelineHealth.of("Failed", "connector task failed: boom", "STOPPED", List.of())).isEqualTo(PipelineHealth.BROKEN);
    }

    /**
     * A connector last recorded stopped or failed (e.g. just restarted, not yet seen running by a health round) is
     * degraded even without a message, as the pipeline itself sees it when asked to restart.
     */
    @Test
    void aConnectorRecordedUnhealthyIsDegradedUntilSeenHealthy() {
        assertThat(PipelineHealth.of("Running", null, "STOPPED", List.of())).isEqualTo(PipelineHealth.DEGRADED);
        assertThat(PipelineHealth.of("Running", null, "RUNNING", List.of(new TaskStateView(0, "FAILED"))))
                .isEqualTo(PipelineHealth.DEGRADED);
        assertThat(PipelineHealth.of("Paused", null, "PAUSED", List.of(new TaskStateView(0, "PAUSED"))))
                .isEqualTo(PipelineHealth.HEALTHY);
        assertThat(PipelineHealth.of("Provisioning", null, null, List.of())).isEqualTo(PipelineHealth.HEALTHY);
    }
}
