package io.pipewright.query.operator;

import io.pipewright.query.Projections;
import java.util.Collection;
import java.util.List;
import java.util.OptionalLong;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.stereotype.Component;

/**
 * Resets the query side's projections so they rebuild their views from the whole event store, and tells how far
 * they are: position, events remaining, and the speed of a rebuild this node started.
 */
@Component
class ProjectionRebuild {

    private final EventProcessingConfiguration processing;
    private final StreamableMessageSource<?> events;
    private volatile Started started;

    ProjectionRebuild(EventProcessingConfiguration processing, EventStore events) {
        this.processing = processing;
        this.events = events;
    }

    /**
     * Blocks until every processor stopped, was reset (its reset handler clears its tables) and started again; the
     * replay itself runs on the processors' threads. Serialized, because a reset needs the processors stopped.
     */
    synchronized void rebuild() {
        List<StreamingEventProcessor> processors = processors();
        started = new Started(System.nanoTime(), ProcessorPositions.position(events.createTailToken()).orElse(0));
        try {
            processors.forEach(StreamingEventProcessor::shutDown);
            processors.forEach(StreamingEventProcessor::resetTokens);
        } finally {
            processors.forEach(StreamingEventProcessor::start);
        }
    }

    List<ProjectionStatus> statuses() {
        long head = ProcessorPositions.head(events);
        return processors().stream().map(processor -> status(processor, head)).toList();
    }

    private List<StreamingEventProcessor> processors() {
        return Projections.ALL.stream()
                .map(name -> processing.eventProcessor(name, StreamingEventProcessor.class)
                        .orElseThrow(() -> new IllegalStateException("no streaming event processor " + name)))
                .toList();
    }

    private ProjectionStatus status(StreamingEventProcessor processor, long head) {
        Collection<EventTrackerStatus> segments = processor.processingStatus().values();
        // Right after a start no segment is claimed yet; its replay has not begun, let alone ended.
        boolean replaying = processor.isRunning()
                && (segments.isEmpty() || segments.stream().anyMatch(ProjectionRebuild::isBehindReset));
        OptionalLong slowest = ProcessorPositions.position(processor);
        Long position = slowest.isPresent() ? slowest.getAsLong() : null;
        Long remaining = processor.isRunning() ? ProcessorPositions.remaining(head, slowest) : null;
        return new ProjectionStatus(processor.getName(), processor.isRunning(), replaying, position, remaining,
                replaying ? eventsPerSecond(position) : null, processor.isError());
    }

    /** The average speed since this node started the rebuild; null when it started none, or none has been handled. */
    private Long eventsPerSecond(Long position) {
        Started rebuild = started;
        if (rebuild == null || position == null) {
            return null;
        }
        double seconds = (System.nanoTime() - rebuild.nanoTime()) / 1e9;
        return seconds <= 0 ? null : Math.round(Math.max(0, position - rebuild.tail()) / seconds);
    }

    /** When the last rebuild of this node started, and the position before the first event it replays. */
    private record Started(long nanoTime, long tail) {
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
