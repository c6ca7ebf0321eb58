package io.pipewright.adapters.provisioning;

import io.pipewright.sagas.orphans.Residue;
import io.pipewright.sagas.orphans.TaggedResource;
import io.pipewright.sagas.provisioning.ServiceRecord;
import java.util.List;
import org.springframework.stereotype.Component;

/** A source's residue is on its PostgreSQL nodes, a sink's on its Kafka Connect worker (none without one). */
@Component
class ServiceResidue implements Residue {

    private final SourceResidue sources;
    private final WorkerResidue workers;

    ServiceResidue(SourceResidue sources, WorkerResidue workers) {
        this.sources = sources;
        this.workers = workers;
    }

    @Override
    public List<TaggedResource> find(ServiceRecord service) {
        if (service.postgres() != null) {
            return sources.find(service.postgres());
        }
        if (service.kafka() != null && service.kafka().connect() != null) {
            return workers.find(service.kafka().connect());
        }
        return List.of();
    }

    @Override
    public void remove(ServiceRecord service, TaggedResource resource) {
        if (TaggedResource.CONNECTOR.equals(resource.kind())) {
            workers.remove(service.kafka().connect(), resource);
        } else {
            sources.remove(service.postgres(), resource);
        }
    }
}
