package io.pipewright.command.pipeline;

import io.pipewright.kernel.pipeline.DataGapDetected;
import io.pipewright.kernel.pipeline.PipelineRestartRequested;
import java.time.Instant;
import org.axonframework.eventsourcing.EventSourcingHandler;

/**
 * The pipeline's data gap, open from {@link DataGapDetected} until a restart with a re-snapshot is requested. An
 * entity of its own so that its handling of {@link PipelineRestartRequested} stays apart from the aggregate root's
 * (which takes the pipeline up again): Axon invokes one event-sourcing handler per event and class.
 */
class OpenDataGap {

    private DataGapDetected gap;
    /** When the last re-snapshot was asked for: a slot observed lost before it is healed by it. */
    private Instant resnapshotRequestedAt;

    boolean isOpen() {
        return gap != null;
    }

    /** Observed before the last re-snapshot was asked for, so already healed by it. */
    boolean healedSince(Instant observedAt) {
        return resnapshotRequestedAt != null && observedAt.isBefore(resnapshotRequestedAt);
    }

    @EventSourcingHandler
    void on(DataGapDetected event) {
        gap = event;
    }

    @EventSourcingHandler
    void on(PipelineRestartRequested event) {
        if (event.resnapshot()) {
            gap = null;
            resnapshotRequestedAt = event.at();
        }
    }
}
