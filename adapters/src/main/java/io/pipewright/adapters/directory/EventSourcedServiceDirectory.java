package io.pipewright.adapters.directory;

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
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.stereotype.Component;

/**
 * Reads a service straight from its event stream: a handful of events per service, always current, and the only
 * place that holds the reference to its admin secret (views never do).
 */
@Component
class EventSourcedServiceDirectory implements ServiceDirectory {

    private final EventStore events;

    EventSourcedServiceDirectory(EventStore events) {
        this.events = events;
    }

    @Override
    public Optional<ServiceRecord> find(UUID serviceId) {
        ServiceRecord record = null;
        for (DomainEventMessage<?> message : events.readEvents(serviceId.toString()).asStream().toList()) {
            Object event = message.getPayload();
            if (event instanceof ManagedServiceRegistered registered) {
                record = new ServiceRecord(registered.serviceId(), registered.description(),
                        registered.peeringRegion(), registered.postgres(), registered.kafka(),
                        ServiceStatus.PENDING, Map.of());
            } else if (event instanceof ManagedServiceStatusChanged changed && record != null) {
                record = new ServiceRecord(record.serviceId(), record.description(), record.peeringRegion(),
                        record.postgres(), record.kafka(), changed.status(), changed.addonStatuses());
            } else if (event instanceof ManagedServiceDeregistered) {
                record = null;
            }
        }
        return Optional.ofNullable(record);
    }
}
