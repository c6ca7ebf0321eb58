package io.pipewright.query.operator;

import io.pipewright.query.Projections;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.springframework.stereotype.Component;

/** Resets the query side's projections so they rebuild their views from the whole event store. */
@Component
class ProjectionRebuild {

    private final EventProcessingConfiguration processing;

    ProjectionRebuild(EventProcessingConfiguration processing) {
        this.processing = processing;
    }

    /**
     * Blocks until every processor stopped, was reset (its reset handler clears its tables) and started again; the
     * replay itself runs on the processors' threads. Serialized, because a reset needs the processors stopped.
     */
    synchronized void rebuild() {
        List<StreamingEventProcessor> processors = processors();
        try {
            processors.forEach(StreamingEventProcessor::shutDown);
            processors.forEach(StreamingEventProcessor::resetTokens);
        } finally {
            processors.forEach(StreamingEventProcessor::start);
        }
    }

    List<ProjectionStatus> statuses() {
        return processors().stream().map(ProjectionRebuild::status).toList();
    }

    private List<StreamingEventProcessor> processors() {
        return Projections.ALL.stream()
                .map(name -> processing.eventProcessor(name, StreamingEventProcessor.class)
                        .orElseThrow(() -> new IllegalStateException("no streaming event processor " + name)))
                .toList();
    }

    private static ProjectionStatus status(StreamingEventProcessor processor) {
        Collection<EventTrackerStatus> segments = processor.processingStatus().values();
        // Right after a start no segment is claimed yet; its replay has not begun, let alone ended.
        boolean replaying = processor.isRunning()
                && (segments.isEmpty() || segments.stream().anyMatch(ProjectionRebuild::isBehindReset));
        Long position = segments.stream()
                .map(EventTrackerStatus::getCurrentPosition)
                .filter(OptionalLong::isPresent)
                .map(OptionalLong::getAsLong)
                .min(Long::compare)
                .orElse(null);
        return new ProjectionStatus(processor.getName(), processor.isRunning(), replaying, position,
                processor.isError());
    }

    /**
     * Axon keeps a segment "replaying" until an event newer than the reset arrives, which in a quiet system can be
     * never; the replay is over once the segment has handled the event it was reset at.
     */
    private static boolean isBehindReset(EventTrackerStatus segment) {
        if (!segment.isReplaying()) {
            return false;
        }
        OptionalLong reset = segment.getResetPosition();
        OptionalLong current = segment.getCurrentPosition();
        return reset.isPresent() && (current.isEmpty() || current.getAsLong() < reset.getAsLong());
    }
}
