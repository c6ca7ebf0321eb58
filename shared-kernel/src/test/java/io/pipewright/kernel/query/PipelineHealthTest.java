package io.pipewright.kernel.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The status view's {@code health} and {@code error_message}: a Running pipeline whose source does not answer the
 * health round is degraded, saying since when; what the pipeline recorded (a connector's trace) is shown first.
 */
class PipelineHealthTest {

    private static final Instant SINCE = Instant.parse("2026-11-26T05:00:00Z");

    @Test
    void aSourceThatDoesNotAnswerMakesARunningPipelineDegradedSayingSinceWhen() {
        String message = PipelineHealth.errorMessage(null, SINCE);

        assertThat(message).isEqualTo("the source did not answer since 2026-11-26T05:00:00Z; nothing is measured and"
                + " nothing may stream until it does (the pipeline is not failed for it)");
        assertThat(PipelineHealth.of("Running", message)).isEqualTo(PipelineHealth.DEGRADED);
        assertThat(PipelineHealth.of("Paused", message)).isEqualTo(PipelineHealth.DEGRADED);
    }

    @Test
    void whatThePipelineRecordedComesFirstAndAnAnsweringSourceAddsNothing() {
        assertThat(PipelineHealth.errorMessage("connector task failed: boom", SINCE))
                .isEqualTo("connector task failed: boom");
        assertThat(PipelineHealth.errorMessage(null, null)).isNull();
        assertThat(PipelineHealth.of("Running", null)).isEqualTo(PipelineHealth.HEALTHY);
        assertThat(PipelineHealth.of("Failed", "connector task failed: boom")).isEqualTo(PipelineHealth.BROKEN);
    }
}
