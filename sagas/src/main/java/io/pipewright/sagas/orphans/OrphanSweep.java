package io.pipewright.sagas.orphans;

import io.pipewright.sagas.provisioning.ServiceDirectory;
import io.pipewright.sagas.provisioning.ServiceRecord;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Finds what carries Pipewright's tag on the registered services but belongs to no live pipeline (left by a crash of
 * an older version, or made by hand), records it in the ledger the API and the metric read, and removes it on request.
 * A pipeline's resources are never orphans while it exists: its registry row is written with its creation, before any
 * step, and removed only once its teardown is complete.
 */
@Component
public class OrphanSweep {

    private static final Logger LOG = LoggerFactory.getLogger(OrphanSweep.class);

    private final OrphanLedger ledger;
    private final ServiceDirectory services;
    private final Residue residue;
    private final Clock clock;

    OrphanSweep(OrphanLedger ledger, ServiceDirectory services, Residue residue, Clock clock) {
        this.ledger = ledger;
        this.services = services;
        this.residue = residue;
        this.clock = clock;
    }

    /** Looks at every registered service; one that does not answer keeps what the last sweep found on it. */
    public List<OrphanLedger.Orphan> sweep() {
        for (UUID serviceId : ledger.services()) {
            services.find(serviceId).ifPresent(this::sweep);
        }
        return ledger.all();
    }

    /**
     * Removes the orphans found that {@code which} selects, each service's in teardown order, after looking again;
     * returns what is still there (what could not be removed, was not selected, or appeared meanwhile).
     */
    public List<OrphanLedger.Orphan> remove(Predicate<TaggedResource> which) {
        for (UUID serviceId : ledger.services()) {
            services.find(serviceId).ifPresent(service -> findOrphans(service).ifPresent(orphans -> orphans.stream()
                    .filter(which)
                    .sorted(Comparator.comparingInt(orphan -> TaggedResource.REMOVAL_ORDER.indexOf(orphan.kind())))
                    .forEach(orphan -> remove(service, orphan))));
        }
        return sweep();
    }

    private void sweep(ServiceRecord service) {
        findOrphans(service).ifPresent(orphans -> ledger.replace(service.serviceId(), orphans, clock.instant()));
    }

    private Optional<List<TaggedResource>> findOrphans(ServiceRecord service) {
        List<TaggedResource> found;
        try {
            found = residue.find(service);
        } catch (RuntimeException e) {
            LOG.warn("Orphan sweep: service {} did not answer: {}", service.serviceId(), e.getMessage());
            return Optional.empty();
        }
        Set<UUID> live = ledger.livePipelines();
        List<TaggedResource> orphans = new ArrayList<>();
        for (TaggedResource resource : found) {
            if (!belongsToLivePipeline(resource, live)) {
                orphans.add(resource);
            }
        }
        return Optional.of(orphans);
    }

    /** A connector tagged with only the id's first eight characters belongs to any live pipeline that starts so. */
    private static boolean belongsToLivePipeline(TaggedResource resource, Set<UUID> live) {
        if (resource.pipelineId() != null) {
            return live.contains(resource.pipelineId());
        }
        String shortId = resource.name().substring(resource.name().lastIndexOf('-') + 1);
        return live.stream().anyMatch(id -> id.toString().startsWith(shortId));
    }

    private void remove(ServiceRecord service, TaggedResource orphan) {
        try {
            residue.remove(service, orphan);
            LOG.info("Orphan removed from service {}: {} {} on {}", service.serviceId(), orphan.kind(), orphan.name(),
                    orphan.node());
        } catch (RuntimeException e) {
            LOG.warn("Orphan {} {} on {} could not be removed: {}", orphan.kind(), orphan.name(), orphan.node(),
                    e.getMessage());
        }
    }
}
