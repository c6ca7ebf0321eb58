package io.pipewright.adapters.directory;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.pipewright.kernel.service.ManagedServiceDeregistered;
import io.pipewright.kernel.service.ManagedServiceRegistered;
import io.pipewright.kernel.service.ManagedServiceStatusChanged;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.sagas.provisioning.ServiceDirectory;
import io.pipewright.sagas.provisioning.ServiceRecord;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Reads a service straight from its event stream: always current, and the only place that holds the reference to its
 * admin secret (views never do).
 * <p>
 * Each service's record is remembered with the sequence number of the last event it was folded from, and a lookup
 * reads only the events stored after that one: one indexed query that usually returns nothing, where reading the
 * whole stream cost a snapshot query, an events query and the deserialization of every event, for each lookup (every
 * created pipeline looks up both its services, every health round those of its pipelines). Whatever another node or
 * another thread stored is seen by the next lookup all the same, so the record is as current as without the memory.
 * A lookup inside a unit of work also sees the events staged in it (as the event store shows them); what it read is
 * remembered only once that unit of work committed, so an event rolled back is never remembered. The memory holds at
 * most {@code pipewright.services.directory-size} services, the least recently used leaving first.
 */
@Component
class EventSourcedServiceDirectory implements ServiceDirectory {

    private final EventStore events;
    private final Cache<UUID, Folded> folded;

    EventSourcedServiceDirectory(EventStore events,
                                 @Value("${pipewright.services.directory-size:10000}") long maximumServices) {
        this.events = events;
        this.folded = Caffeine.newBuilder().maximumSize(maximumServices).build();
    }

    @Override
    public Optional<ServiceRecord> find(UUID serviceId) {
        Folded known = folded.getIfPresent(serviceId);
        Folded from = known == null ? Folded.NOTHING : known;
        Folded current = from.after(events.readEvents(serviceId.toString(), from.lastSequence() + 1));
        if (current != from) {
            rememberOnceCommitted(() -> folded.asMap().merge(serviceId, current, Folded::later));
        }
        return Optional.ofNullable(current.record());
    }

    /**
     * Now outside a unit of work, or inside one whose commit is already past; after the commit of one still under way
     * (a rolled-back one never calls it); never for one that was rolled back.
     */
    private static void rememberOnceCommitted(Runnable remember) {
        if (!CurrentUnitOfWork.isStarted()) {
            remember.run();
            return;
        }
        UnitOfWork<?> root = CurrentUnitOfWork.get().root();
        if (root.phase().isBefore(UnitOfWork.Phase.AFTER_COMMIT)) {
            root.afterCommit(committed -> remember.run());
        } else if (!root.isRolledBack()) {
            remember.run();
        }
    }

    /** A service's record (none before its registration and after its deregistration) as of an event's sequence. */
    private record Folded(ServiceRecord record, long lastSequence) {

        static final Folded NOTHING = new Folded(null, -1);

        Folded after(DomainEventStream stream) {
            Folded result = this;
            while (stream.hasNext()) {
                DomainEventMessage<?> message = stream.next();
                result = new Folded(apply(result.record(), message.getPayload()), message.getSequenceNumber());
            }
            return result;
        }

        private static ServiceRecord apply(ServiceRecord record, Object event) {
            if (event instanceof ManagedServiceRegistered registered) {
                return new ServiceRecord(registered.serviceId(), registered.description(), registered.peeringRegion(),
                        registered.postgres(), registered.kafka(), ServiceStatus.PENDING, Map.of());
            }
            if (event instanceof ManagedServiceStatusChanged changed && record != null) {
                return new ServiceRecord(record.serviceId(), record.description(), record.peeringRegion(),
                        record.postgres(), record.kafka(), changed.status(), changed.addonStatuses());
            }
            if (event instanceof ManagedServiceDeregistered) {
                return null;
            }
            return record;
        }

        /** Of two folds raced in by concurrent lookups, the one that has read further. */
        static Folded later(Folded one, Folded other) {
            return one.lastSequence() >= other.lastSequence() ? one : other;
        }
    }
}
