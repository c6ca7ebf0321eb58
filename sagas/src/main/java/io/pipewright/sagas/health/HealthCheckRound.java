package io.pipewright.sagas.health;

import io.pipewright.kernel.MessageMetadata;
import io.pipewright.kernel.pipeline.RecordConnectorHealth;
import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.pipeline.ConnectorHealth;
import io.pipewright.sagas.drift.Drift;
import io.pipewright.sagas.drift.DriftTarget;
import io.pipewright.sagas.drift.DriftWatch;
import io.pipewright.sagas.provisioning.ServiceDirectory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * One pass of the health monitor over the pipelines whose check is due: Connect is asked once per worker and each
 * source once, whatever the number of pipelines, so one node keeps up with thousands of them without a timer per
 * pipeline. Workers and sources are asked side by side ({@code pipewright.health.parallelism} at a time), each call
 * bounded ({@code pipewright.health.call-timeout}), so a hung worker or source costs only its own pipelines a round.
 * Measurements (lag, retained WAL, when checked) are stored; a command goes to a pipeline only when its
 * connector's or tasks' state differs from what its events recorded. A pipeline that captures all tables has its
 * publication refreshed with the tables created since. Each source is also asked, in the same round, whether its
 * Running and Paused pipelines' resources are as desired, and each connector's config in the worker's listing is
 * compared with Pipewright's ({@link DriftWatch}); what differs is recorded and, unless the pipeline only reports
 * drift, repaired, side by side and bounded like the other calls. The same slot query tells whether a slot was lost
 * (invalidated, dropped, or created anew after a failover, see {@link SlotLoss}): that is recorded as a data gap, once.
 * A worker that does not answer (refused, failed, or hung past the bound) has its pipelines recorded as unable to
 * reach it, once ({@link UnansweredWorker}), so they show degraded while it is down; its first answer clears that.
 * A source that does not answer is stored with the measurements (since when), which the status view shows the same way.
 */
@Component
public class HealthCheckRound implements DisposableBean {

    static final String HEALTH_CHECK = "health-check";
    private static final Logger LOG = LoggerFactory.getLogger(HealthCheckRound.class);

    private final MonitoredPipelines monitored;
    private final ServiceDirectory services;
    private final WorkerObserver workers;
    private final SlotObserver slots;
    private final PublicationRefresh publications;
    private final DriftWatch drift;
    private final CommandGateway commands;
    private final Clock clock;
    private final Duration interval;
    private final int batchSize;
    private final BoundedCalls calls;

    public HealthCheckRound(MonitoredPipelines monitored, ServiceDirectory services, WorkerObserver workers,
                            SlotObserver slots, PublicationRefresh publications, DriftWatch drift,
                            CommandGateway commands, Clock clock,
                            @Value("${pipewright.health.check-interval:PT60S}") Duration interval,
                            @Value("${pipewright.health.batch-size:500}") int batchSize,
                            @Value("${pipewright.health.parallelism:8}") int parallelism,
                            @Value("${pipewright.health.call-timeout:PT2M}") Duration callTimeout) {
        this.monitored = monitored;
        this.services = services;
        this.workers = workers;
        this.slots = slots;
        this.publications = publications;
        this.drift = drift;
        this.commands = commands;
        this.clock = clock;
        this.interval = interval;
        this.batchSize = batchSize;
        this.calls = new BoundedCalls("health-call", parallelism, callTimeout, LOG);
    }

    @Override
    public void destroy() {
        calls.close();
    }

    /**
     * Checks every pipeline that was due when the round started, batch by batch; returns how many were checked. Each
     * worker is listed once per round, however many batches its connectors fall in.
     */
    public int run() {
        Instant roundStart = clock.instant();
        Map<UUID, BoundedCalls.Call<Optional<Map<String, WorkerObserver.ConnectorSnapshot>>>> workerListings =
                new HashMap<>();
        Map<UUID, Optional<Map<String, WorkerObserver.ConnectorSnapshot>>> listings = new HashMap<>();
        Set<UUID> unanswered = ConcurrentHashMap.newKeySet();
        int checked = 0;
        List<MonitoredPipeline> due;
        do {
            due = monitored.claimDue(batchSize, interval, roundStart);
            check(due, workerListings, listings, unanswered, roundStart);
            checked += due.size();
        } while (due.size() == batchSize);
        return checked;
    }

    /**
     * Starts the listings of the batch's workers not yet listed this round and the measurements of its sources, all
     * side by side, then takes each answer within its bound (a worker's listing once per round). {@code roundStart}:
     * the workers were listed after it, so their answers were observed no earlier than it. {@code unanswered}: the
     * workers (sink service ids) that did not answer this round.
     */
    private void check(List<MonitoredPipeline> due,
                       Map<UUID, BoundedCalls.Call<Optional<Map<String, WorkerObserver.ConnectorSnapshot>>>>
                               workerListings,
                       Map<UUID, Optional<Map<String, WorkerObserver.ConnectorSnapshot>>> listings,
                       Set<UUID> unanswered, Instant roundStart) {
        for (MonitoredPipeline pipeline : due) {
            workerListings.computeIfAbsent(pipeline.sinkServiceId(),
                    sinkServiceId -> calls.start(() -> observeWorker(sinkServiceId, unanswered)));
        }
        Map<UUID, BoundedCalls.Call<Optional<SlotObserver.SourceSlots>>> slotCalls = new HashMap<>();
        Set<UUID> unansweredSources = ConcurrentHashMap.newKeySet();
        due.stream().collect(Collectors.groupingBy(MonitoredPipeline::sourceServiceId)).forEach((sourceId, ofSource) ->
                slotCalls.put(sourceId, calls.start(() -> measureSlots(sourceId, ofSource, unansweredSources))));
        List<DriftTarget> driftTargets = driftTargets(due);
        Map<UUID, BoundedCalls.Call<Optional<Map<UUID, List<Drift>>>>> driftCalls = new HashMap<>();
        driftTargets.stream().collect(Collectors.groupingBy(target -> target.spec().source().serviceId()))
                .forEach((sourceId, ofSource) -> driftCalls.put(sourceId,
                        calls.start(() -> observeDrift(sourceId, ofSource))));
        for (MonitoredPipeline pipeline : due) {
            listings.computeIfAbsent(pipeline.sinkServiceId(), sinkServiceId -> calls.await(
                    workerListings.get(sinkServiceId), () -> {
                        unanswered.add(sinkServiceId);
                        return Optional.empty();
                    }, "Health check: the Kafka Connect worker of service " + sinkServiceId));
        }
        Map<UUID, Optional<SlotObserver.SourceSlots>> slotsBySource = new HashMap<>();
        slotCalls.forEach((sourceId, call) -> slotsBySource.put(sourceId, calls.await(call, () -> {
            unansweredSources.add(sourceId);
            return Optional.empty();
        }, "Health check: source service " + sourceId)));
        Map<UUID, MonitoredPipelines.Measurement> measurements = new HashMap<>();
        List<Runnable> changes = new ArrayList<>();
        for (MonitoredPipeline pipeline : due) {
            Optional<WorkerObserver.ConnectorSnapshot> snapshot = listings.get(pipeline.sinkServiceId())
                    .map(all -> all.getOrDefault(pipeline.connectorName(), missing(pipeline)));
            Optional<SlotObserver.SourceSlots> ofSource = slotsBySource.get(pipeline.sourceServiceId());
            measurements.put(pipeline.pipelineId(), measurement(pipeline, ofSource,
                    snapshot.map(WorkerObserver.ConnectorSnapshot::connectedTo).orElse(null),
                    !unansweredSources.contains(pipeline.sourceServiceId())));
            snapshot.filter(seen -> differs(pipeline, seen))
                    .ifPresent(seen -> changes.add(() -> record(pipeline, seen, roundStart)));
            UnansweredWorker.of(pipeline, !unanswered.contains(pipeline.sinkServiceId()), roundStart)
                    .ifPresent(unreachable -> changes.add(() -> send(pipeline, unreachable, "the unreachable worker")));
            SlotLoss.of(pipeline, ofSource, roundStart)
                    .ifPresent(gap -> changes.add(() -> send(pipeline, gap, "the data gap")));
        }
        monitored.recordChecks(measurements, roundStart, clock.instant());
        changes.forEach(Runnable::run);
        publications.refresh(due.stream().map(MonitoredPipeline::pipelineId).toList());
        settleDrift(driftTargets, driftCalls, listings, roundStart);
    }

    private static MonitoredPipelines.Measurement measurement(MonitoredPipeline pipeline,
                                                              Optional<SlotObserver.SourceSlots> ofSource,
                                                              SourceNode connectedTo, boolean sourceAnswered) {
        SlotObserver.SlotUsage usage = ofSource.map(found -> found.slots().get(pipeline.slotName())).orElse(null);
        Long maxSlotWalKeepBytes = ofSource.map(SlotObserver.SourceSlots::maxSlotWalKeepBytes).orElse(null);
        if (usage == null) {
            return new MonitoredPipelines.Measurement(null, null, connectedTo, null, null, null, maxSlotWalKeepBytes,
                    sourceAnswered);
        }
        return new MonitoredPipelines.Measurement(usage.lagBytes(), usage.retainedBytes(), connectedTo,
                ofSource.get().primary(), usage.confirmedFlushLsn(), usage.safeWalBytes(), maxSlotWalKeepBytes,
                sourceAnswered);
    }

    private List<DriftTarget> driftTargets(List<MonitoredPipeline> due) {
        try {
            return drift.targets(due.stream().map(MonitoredPipeline::pipelineId).toList());
        } catch (RuntimeException e) {
            LOG.warn("Health check: the pipelines to compare with their desired state could not be read: {}",
                    e.toString());
            return List.of();
        }
    }

    /**
     * Settles each target whose source and worker both answered (a drift is neither recorded nor cleared from half an
     * observation), side by side and each bounded like the other calls: a repair that hangs costs its own pipeline.
     */
    private void settleDrift(List<DriftTarget> targets,
                             Map<UUID, BoundedCalls.Call<Optional<Map<UUID, List<Drift>>>>> driftCalls,
                             Map<UUID, Optional<Map<String, WorkerObserver.ConnectorSnapshot>>> listings,
                             Instant observedAt) {
        Map<UUID, Optional<Map<UUID, List<Drift>>>> bySource = new HashMap<>();
        driftCalls.forEach((sourceId, call) -> bySource.put(sourceId, calls.await(call, Optional::empty,
                "Drift check: source service " + sourceId)));
        List<BoundedCalls.Call<Boolean>> settling = new ArrayList<>();
        for (DriftTarget target : targets) {
            Optional<Map<UUID, List<Drift>>> ofSource = bySource.get(target.spec().source().serviceId());
            Optional<Map<String, WorkerObserver.ConnectorSnapshot>> listing =
                    listings.getOrDefault(target.spec().sink().serviceId(), Optional.empty());
            Optional<WorkerObserver.ConnectorSnapshot> connector =
                    listing.map(all -> all.get(target.spec().connectorName()));
            if (ofSource.isEmpty() || listing.isEmpty()) {
                continue;
            }
            List<Drift> found = drift.found(target, ofSource.get().getOrDefault(target.spec().pipelineId(),
                    List.of()), connector.map(WorkerObserver.ConnectorSnapshot::config));
            if (drift.needsSettling(target, found)) {
                settling.add(calls.start(() -> {
                    drift.settle(target, found, observedAt);
                    return true;
                }));
            }
        }
        settling.forEach(call -> calls.await(call, () -> false, "Drift repair of a pipeline"));
    }

    private Optional<Map<UUID, List<Drift>>> observeDrift(UUID sourceServiceId, List<DriftTarget> targets) {
        try {
            return Optional.of(drift.observeSource(targets));
        } catch (RuntimeException e) {
            LOG.warn("Drift check: source service {} did not answer: {}", sourceServiceId, e.getMessage());
            return Optional.empty();
        }
    }

    private static WorkerObserver.ConnectorSnapshot missing(MonitoredPipeline pipeline) {
        return new WorkerObserver.ConnectorSnapshot(ConnectorHealth.MISSING, List.of(),
                "connector " + pipeline.connectorName() + " is not on the Kafka Connect worker", null);
    }

    /** Changed since last recorded, or running although paused through Pipewright (resumed on the worker unseen). */
    private static boolean differs(MonitoredPipeline pipeline, WorkerObserver.ConnectorSnapshot seen) {
        return !Objects.equals(pipeline.recordedState(), seen.state())
                || (pipeline.pauseRequested() && ConnectorHealth.RUNNING.equals(seen.state()))
                || !pipeline.recordedTasks().equals(seen.tasks())
                || !Objects.equals(pipeline.recordedError(), seen.errorMessage());
    }

    private void record(MonitoredPipeline pipeline, WorkerObserver.ConnectorSnapshot seen, Instant observedAt) {
        send(pipeline, new RecordConnectorHealth(pipeline.pipelineId(), seen.state(), seen.tasks(),
                seen.errorMessage(), observedAt), "the health");
    }

    /** {@code what}: what the command records, for the log line when it cannot be sent. */
    private void send(MonitoredPipeline pipeline, Object command, String what) {
        try {
            commands.send(GenericCommandMessage.asCommandMessage(command)
                    .andMetaData(pipeline.commandMetaData(HEALTH_CHECK)));
        } catch (RuntimeException e) {
            try (MDC.MDCCloseable named = MDC.putCloseable(MessageMetadata.PIPELINE_ID,
                    pipeline.pipelineId().toString());
                 MDC.MDCCloseable organization = MDC.putCloseable(MessageMetadata.ORGANIZATION_ID,
                         String.valueOf(pipeline.organizationId()))) {
                LOG.warn("Could not record {} of pipeline {}: {}", what, pipeline.pipelineId(), e.toString());
            }
        }
    }

    /**
     * An unreachable worker, or one whose listing is larger than the bound, says nothing about its connectors: only
     * that it did not answer (added to {@code unanswered}) is recorded for them this round. Empty too, but not
     * unanswered, for a service no longer registered.
     */
    private Optional<Map<String, WorkerObserver.ConnectorSnapshot>> observeWorker(UUID sinkServiceId,
                                                                                   Set<UUID> unanswered) {
        try {
            return services.find(sinkServiceId).map(sink -> workers.connectors(sink.kafka().connect()));
        } catch (RuntimeException e) {
            unanswered.add(sinkServiceId);
            LOG.warn("Health check: the Kafka Connect worker of service {} did not answer: {}; its pipelines are"
                    + " recorded as unable to reach it", sinkServiceId, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * Empty when the source did not answer (then added to {@code unanswered}) or is no longer registered: nothing is
     * known of its slots.
     */
    private Optional<SlotObserver.SourceSlots> measureSlots(UUID sourceServiceId, List<MonitoredPipeline> pipelines,
                                                            Set<UUID> unanswered) {
        try {
            return services.find(sourceServiceId).map(source -> slots.measure(source.postgres(),
                    pipelines.stream().map(MonitoredPipeline::slotName).toList()));
        } catch (RuntimeException e) {
            unanswered.add(sourceServiceId);
            LOG.warn("Health check: source service {} did not answer: {}", sourceServiceId, e.getMessage());
            return Optional.empty();
        }
    }
}
