package io.pipewright.query.operator;

import java.util.OptionalLong;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.messaging.StreamableMessageSource;

/**
 * Where a streaming event processor stands against the event store: the global index of the last event its slowest
 * segment on this node handled, and how many stored events come after it. {@code GET /operator/projections} shows it
 * for the views, the metric {@code pipewright_event_processor_lag_events} for every processor.
 */
public final class ProcessorPositions {

    private ProcessorPositions() {
    }

    /** The global index of the newest stored event; 0 in an empty store. */
    public static long head(StreamableMessageSource<?> events) {
        return position(events.createHeadToken()).orElse(0);
    }

    /**
     * The position of the slowest segment this node holds; empty when it holds none, or none has handled an event
     * yet.
     */
    public static OptionalLong position(StreamingEventProcessor processor) {
        return processor.processingStatus().values().stream()
                .map(EventTrackerStatus::getCurrentPosition)
                .filter(OptionalLong::isPresent)
                .mapToLong(OptionalLong::getAsLong)
                .min();
    }

    /** How many stored events come after {@code position}: all of them before the first was handled. */
    public static long remaining(long head, OptionalLong position) {
        return Math.max(0, head - position.orElse(0));
    }

    static OptionalLong position(TrackingToken token) {
        return token == null ? OptionalLong.empty() : token.position();
    }
}
