package io.pipewright.app.query;

import java.util.UUID;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;

/** Appends events to one aggregate's stream the way the command side would, so tests need no aggregates. */
final class EventHistory {

    private final EventStore store;
    private final String aggregateType;
    private final UUID aggregateId;
    private long nextSequence;

    private EventHistory(EventStore store, String aggregateType, UUID aggregateId) {
        this.store = store;
        this.aggregateType = aggregateType;
        this.aggregateId = aggregateId;
    }

    static EventHistory ofPipeline(EventStore store, UUID pipelineId) {
        return new EventHistory(store, "Pipeline", pipelineId);
    }

    static EventHistory ofService(EventStore store, UUID serviceId) {
        return new EventHistory(store, "ManagedService", serviceId);
    }

    EventHistory append(Object event, String actor) {
        return append(event, MetaData.with("actor", actor));
    }

    EventHistory appendWithoutActor(Object event) {
        return append(event, MetaData.emptyInstance());
    }

    private EventHistory append(Object event, MetaData metaData) {
        store.publish(new GenericDomainEventMessage<>(aggregateType, aggregateId.toString(), nextSequence++, event,
                metaData));
        return this;
    }
}
