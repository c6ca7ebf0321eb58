package io.pipewright.sagas.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.pipewright.sagas.drift.DriftWatch;
import io.pipewright.kernel.pipeline.DetectFailover;
import io.pipewright.kernel.pipeline.RecordConnectorHealth;
import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.pipeline.TaskState;
import io.pipewright.kernel.service.HbaManagement;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.NodeRole;
import io.pipewright.kernel.service.PluginInstallation;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.kernel.service.SslMode;
import io.pipewright.kernel.secret.SecretRef;
import io.pipewright.sagas.provisioning.ServiceRecord;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hung worker or source, or a worker whose listing is refused (larger than the bound), costs only its own pipelines
 * a round: the others are checked in the same round, and the round ends. The pipelines of a worker that gave no
 * answer are recorded as unable to reach it, those of a source that gave none are measured as not answered.
 */
class HungNodesTest {

    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);
    /** These pipelines are not Running in any view: there is nothing to compare, so nothing is repaired. */
    private static final DriftWatch NO_DRIFT = new DriftWatch(pipelineIds -> List.of(), specs -> Map.of(),
            (spec, config) -> Optional.empty(), null);
    /** Far above the call bound, far below "for ever". */
    private static final Duration ENDS_WITHIN = Duration.ofSeconds(30);

    private final CountDownLatch never = new CountDownLatch(1);
    private final Map<UUID, ServiceRecord> services = new ConcurrentHashMap<>();
    private final List<Object> commands = new CopyOnWriteArrayList<>();
    private final CommandGateway gateway = gateway(commands);
    private final Fleet fleet = new Fleet();

    @AfterEach
    void releaseHungCalls() {
        never.countDown();
    }

    @Test
    void aHungWorkerAndAnOversizedListingCostOnlyTheirOwnPipelinesARound() {
        UUID source = source("10.0.0.5");
        UUID hungWorker = sink("http://hung");
        UUID oversizedWorker = sink("http://oversized");
        UUID healthyWorker = sink("http://healthy");
        MonitoredPipeline onHung = fleet.add(source, hungWorker, null);
        MonitoredPipeline onOversized = fleet.add(source, oversizedWorker, null);
        MonitoredPipeline onHealthy = fleet.add(source, healthyWorker, null);
        WorkerObserver workers = worker -> switch (worker.url()) {
            case "http://hung" -> hang();
            case "http://oversized" -> throw new IllegalStateException("Kafka Connect at http://oversized answered"
                    + " more than 16 MB (pipewright.external.connect-max-response-size)");
            default -> Map.of(onHealthy.connectorName(), new WorkerObserver.ConnectorSnapshot("FAILED",
                    List.of(new TaskState(0, "FAILED")), "boom", new SourceNode("10.0.0.5", 5432)));
        };
        SlotObserver slots = (endpoint, names) -> usage(names);
        HealthCheckRound round = new HealthCheckRound(fleet, id -> Optional.ofNullable(services.get(id)), workers,
                slots, pipelineIds -> { }, NO_DRIFT, gateway, Clock.systemUTC(), Duration.ofSeconds(60), 500, 4, CALL_TIMEOUT);
        try {
            int checked = assertTimeoutPreemptively(ENDS_WITHIN, round::run);

            assertThat(checked).isEqualTo(3);
            assertThat(commands).usingRecursiveFieldByFieldElementComparatorIgnoringFields("observedAt",
                    "errorMessage").containsExactlyInAnyOrder(
                    new RecordConnectorHealth(onHealthy.pipelineId(), "FAILED", List.of(new TaskState(0, "FAILED")),
                            "boom", Instant.EPOCH),
                    new RecordConnectorHealth(onHung.pipelineId(), "UNREACHABLE",
                            List.of(new TaskState(0, "RUNNING")), null, Instant.EPOCH),
                    new RecordConnectorHealth(onOversized.pipelineId(), "UNREACHABLE",
                            List.of(new TaskState(0, "RUNNING")), null, Instant.EPOCH));
            assertThat(fleet.measured).containsOnlyKeys(onHung.pipelineId(), onOversized.pipelineId(),
                    onHealthy.pipelineId());
            assertThat(fleet.measured.get(onHealthy.pipelineId()).connectedTo())
                    .isEqualTo(new SourceNode("10.0.0.5", 5432));
            assertThat(fleet.measured.get(onHung.pipelineId()).connectedTo()).isNull();
            assertThat(fleet.measured.get(onOversized.pipelineId()).connectedTo()).isNull();
            assertThat(fleet.measured.get(onHung.pipelineId()).sourceLagBytes()).isEqualTo(7L);
        } finally {
            round.destroy();
        }
    }

    @Test
    void aHungSourceCostsOnlyItsOwnPipelinesTheirMeasurements() {
        UUID hungSource = source("10.0.0.9");
        UUID source = source("10.0.0.5");
        UUID worker = sink("http://healthy");
        MonitoredPipeline onHungSource = fleet.add(hungSource, worker, null);
        MonitoredPipeline onSource = fleet.add(source, worker, null);
        WorkerObserver workers = anyWorker -> Map.of();
        SlotObserver slots = (endpoint, names) -> endpoint.nodes().get(0).host().equals("10.0.0.9")
                ? hang() : usage(names);
        HealthCheckRound round = new HealthCheckRound(fleet, id -> Optional.ofNullable(services.get(id)), workers,
                slots, pipelineIds -> { }, NO_DRIFT, gateway, Clock.systemUTC(), Duration.ofSeconds(60), 500, 4, CALL_TIMEOUT);
        try {
            assertThat(assertTimeoutPreemptively(ENDS_WITHIN, round::run)).isEqualTo(2);
            assertThat(fleet.measured.get(onSource.pipelineId()).sourceLagBytes()).isEqualTo(7L);
            assertThat(fleet.measured.get(onHungSource.pipelineId()).sourceLagBytes()).isNull();
            assertThat(fleet.measured.get(onHungSource.pipelineId()).sourceAnswered()).isFalse();
            assertThat(fleet.measured.get(onSource.pipelineId()).sourceAnswered()).isTrue();
        } finally {
            round.destroy();
        }
    }

    @Test
    void aHungSourceDoesNotKeepThePrimaryWatchFromTheOthers() {
        UUID hungSource = source("10.0.0.9");
        UUID failedOver = source("10.0.0.5");
        UUID worker = sink("http://healthy");
        fleet.add(hungSource, worker, new SourceNode("10.0.0.9", 5432));
        MonitoredPipeline moved = fleet.add(failedOver, worker, new SourceNode("10.0.0.5", 5432));
        PrimaryLocator locator = endpoint -> endpoint.nodes().get(0).host().equals("10.0.0.9")
                ? hang() : new SourceNode("10.0.0.6", 5432);
        PrimaryWatch watch = new PrimaryWatch(fleet, id -> Optional.ofNullable(services.get(id)), locator, gateway, 4,
                CALL_TIMEOUT);
        try {
            assertThat(assertTimeoutPreemptively(ENDS_WITHIN, watch::run)).isEqualTo(1);
            assertThat(commands).singleElement().isEqualTo(new DetectFailover(moved.pipelineId(),
                    new SourceNode("10.0.0.5", 5432), new SourceNode("10.0.0.6", 5432)));
        } finally {
            watch.destroy();
        }
    }

    private <T> T hang() {
        try {
            never.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        throw new IllegalStateException("released at the end of the test");
    }

    private static SlotObserver.SourceSlots usage(Collection<String> slotNames) {
        Map<String, SlotObserver.SlotUsage> usage = new HashMap<>();
        slotNames.forEach(name -> usage.put(name, new SlotObserver.SlotUsage(7, 9, "0/7", "reserved", null, null,
                false)));
        return new SlotObserver.SourceSlots(new SourceNode("10.0.0.5", 5432), null, usage);
    }

    private UUID source(String host) {
        UUID id = UUID.randomUUID();
        services.put(id, new ServiceRecord(id, null, "local", new PostgresEndpoint(
                List.of(new PostgresNode(host, 5432, NodeRole.PRIMARY)), "postgres", "admin",
                new SecretRef(UUID.randomUUID()), HbaManagement.EXTERNAL, SslMode.REQUIRE, null), null, ServiceStatus.RUNNING, Map.of()));
        return id;
    }

    private UUID sink(String connectUrl) {
        UUID id = UUID.randomUUID();
        services.put(id, new ServiceRecord(id, null, "local", null, new KafkaEndpoint("10.0.0.7:9092",
                new KafkaConnectEndpoint(connectUrl, PluginInstallation.PREINSTALLED, null, null, null, null, null),
                null),
                ServiceStatus.RUNNING, Map.of()));
        return id;
    }

    private static CommandGateway gateway(List<Object> sent) {
        SimpleCommandBus bus = SimpleCommandBus.builder().build();
        bus.subscribe(RecordConnectorHealth.class.getName(), message -> sent.add(message.getPayload()));
        bus.subscribe(DetectFailover.class.getName(), message -> sent.add(message.getPayload()));
        return DefaultCommandGateway.builder().commandBus(bus).build();
    }

    /** The schedule in memory: every pipeline is due once. */
    private static final class Fleet implements MonitoredPipelines {

        private final List<MonitoredPipeline> pipelines = new ArrayList<>();
        private final List<MonitoredPipeline> due = new ArrayList<>();
        private final Map<UUID, Measurement> measured = new ConcurrentHashMap<>();

        MonitoredPipeline add(UUID source, UUID sink, SourceNode connectedTo) {
            MonitoredPipeline pipeline = new MonitoredPipeline(UUID.randomUUID(), UUID.randomUUID(), source, sink, "RUNNING",
                    List.of(new TaskState(0, "RUNNING")), null, false, connectedTo, false, null, null, false);
            pipelines.add(pipeline);
            due.add(pipeline);
            return pipeline;
        }

        @Override
        public synchronized List<MonitoredPipeline> claimDue(int limit, Duration interval, Instant dueBy) {
            List<MonitoredPipeline> claimed = new ArrayList<>(due.subList(0, Math.min(limit, due.size())));
            due.removeAll(claimed);
            return claimed;
        }

        @Override
        public List<MonitoredPipeline> ofSource(UUID sourceServiceId) {
            return pipelines.stream().filter(pipeline -> pipeline.sourceServiceId().equals(sourceServiceId)).toList();
        }

        @Override
        public List<UUID> monitoredSources() {
            return pipelines.stream().map(MonitoredPipeline::sourceServiceId).distinct().toList();
        }

        @Override
        public void recordChecks(Map<UUID, Measurement> measurements, Instant observedFrom,
                                 Instant checkedAt) {
            measured.putAll(measurements);
        }
    }
}
