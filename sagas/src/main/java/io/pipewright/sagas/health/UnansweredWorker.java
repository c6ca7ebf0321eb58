package io.pipewright.sagas.health;

import io.pipewright.kernel.pipeline.ConnectorHealth;
import io.pipewright.kernel.pipeline.RecordConnectorHealth;
import java.time.Instant;
import java.util.Optional;

/**
 * Decides what a round records of a pipeline whose Kafka Connect worker did not answer (refused, failed or hung past
 * the call's bound): that the worker is {@link ConnectorHealth#UNREACHABLE}, with an error message saying since when,
 * so the status shows the pipeline degraded instead of healthy while nothing flows. Recorded once per outage (not
 * again while the pipeline's recorded state says so, so the "since" stays the first round's); the worker's first
 * answer is a different state and replaces it. Nothing is restarted and the pipeline is not failed for it.
 */
final class UnansweredWorker {

    private UnansweredWorker() {
    }

    /** {@code answered}: whether the pipeline's worker answered this round's listing. */
    static Optional<RecordConnectorHealth> of(MonitoredPipeline pipeline, boolean answered, Instant observedAt) {
        if (answered || ConnectorHealth.UNREACHABLE.equals(pipeline.recordedState())) {
            return Optional.empty();
        }
        return Optional.of(new RecordConnectorHealth(pipeline.pipelineId(), ConnectorHealth.UNREACHABLE,
                pipeline.recordedTasks(), message(observedAt), observedAt));
    }

    static String message(Instant since) {
        return "the Kafka Connect worker did not answer since " + since + "; nothing is known of the connector until"
                + " it does (the pipeline is not failed for it)";
    }
}
