package io.pipewright.sagas.drift;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * What the health round asks about drift, so that comparing resources with their desired state costs no call of its
 * own per pipeline: the round reads its batch's targets in one query, observes each source once (one catalog query
 * per database) beside its slot measurement, compares each connector's config with the worker listing it already
 * made, and hands what it found to {@link DriftRepair}.
 */
@Component
public class DriftWatch {

    private final DriftTargets targets;
    private final SourceDriftObserver sources;
    private final ConnectorDriftObserver connectors;
    private final DriftRepair repair;

    public DriftWatch(DriftTargets targets, SourceDriftObserver sources, ConnectorDriftObserver connectors,
                      DriftRepair repair) {
        this.targets = targets;
        this.sources = sources;
        this.connectors = connectors;
        this.repair = repair;
    }

    public List<DriftTarget> targets(Collection<UUID> pipelineIds) {
        return pipelineIds.isEmpty() ? List.of() : targets.of(pipelineIds);
    }

    /** The source-side drifts of one source's targets, by pipeline id; throws when the source does not answer. */
    public Map<UUID, List<Drift>> observeSource(List<DriftTarget> ofOneSource) {
        return sources.observe(ofOneSource.stream().map(DriftTarget::spec).toList());
    }

    /**
     * Everything found of one target: its source-side drifts, and its connector's when the worker listed its config
     * ({@code workerConfig} empty when the worker did not answer or has no such connector: nothing is said of it).
     */
    public List<Drift> found(DriftTarget target, List<Drift> ofSource, Optional<Map<String, String>> workerConfig) {
        List<Drift> found = new ArrayList<>(ofSource);
        workerConfig.filter(config -> !config.isEmpty())
                .flatMap(config -> connectors.observe(target.spec(), config))
                .ifPresent(found::add);
        return found;
    }

    /** Whether {@link #settle} has anything to do: something drifted, or an open drift may be gone. */
    public boolean needsSettling(DriftTarget target, List<Drift> found) {
        return !found.isEmpty() || !target.openDrifts().isEmpty();
    }

    public void settle(DriftTarget target, List<Drift> found, Instant observedAt) {
        repair.settle(target, found, observedAt);
    }
}
