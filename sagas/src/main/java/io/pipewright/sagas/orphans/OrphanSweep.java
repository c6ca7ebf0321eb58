package io.pipewright.sagas.orphans;

import io.pipewright.kernel.pipeline.ResourceNames;
import io.pipewright.sagas.provisioning.PipelineResource;
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
 * step, and removed only once its teardown is complete. It looks through the same resource classes that provision and
 * tear down ({@link PipelineResource#discoverTagged}, {@link PipelineResource#removeTagged}), so what it finds and how
 * it removes it is what the teardown would do.
 */
@Component
public class OrphanSweep {

    private static final Logger LOG = LoggerFactory.getLogger(OrphanSweep.class);

    private final OrphanLedger ledger;
    private final ServiceDirectory services;
    private final List<PipelineResource<?>> resources;
    private final Clock clock;

    /** {@code resources}: those of the kinds in {@link TaggedResource#REMOVAL_ORDER}, in that order; others find none. */
    OrphanSweep(OrphanLedger ledger, ServiceDirectory services, List<PipelineResource<?>> resources, Clock clock) {
        this.ledger = ledger;
        this.services = services;
        this.resources = resources.stream()
                .filter(resource -> TaggedResource.REMOVAL_ORDER.contains(resource.kind()))
                .sorted(Comparator.comparingInt(resource -> TaggedResource.REMOVAL_ORDER.indexOf(resource.kind())))
                .toList();
        for (String kind : TaggedResource.REMOVAL_ORDER) {
            if (this.resources.stream().noneMatch(resource -> resource.kind().equals(kind))) {
                throw new IllegalStateException("no resource class finds orphans of kind " + kind);
            }
        }
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
        List<TaggedResource> found = new ArrayList<>();
        try {
            for (PipelineResource<?> resource : resources) {
                found.addAll(resource.discoverTagged(service));
            }
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
        return ResourceNames.shortIdOfConnector(resource.name())
                .map(shortId -> live.stream().anyMatch(id -> ResourceNames.shortId(id).equals(shortId)))
                .orElse(false);
    }

    private void remove(ServiceRecord service, TaggedResource orphan) {
        try {
            resources.stream().filter(resource -> resource.kind().equals(orphan.kind())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no resource class removes " + orphan.kind()))
                    .removeTagged(service, orphan);
            LOG.info("Orphan removed from service {}: {} {} on {}", service.serviceId(), orphan.kind(), orphan.name(),
                    orphan.node());
        } catch (RuntimeException e) {
            LOG.warn("Orphan {} {} on {} could not be removed: {}", orphan.kind(), orphan.name(), orphan.node(),
                    e.getMessage());
        }
    }
}
