package io.pipewright.adapters.health;

import io.pipewright.sagas.drift.DriftWatch;
import io.pipewright.adapters.support.LocalEndpoints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.pipewright.adapters.connect.ConnectCallFailed;
import io.pipewright.adapters.connect.ConnectClient;
import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.adapters.provisioning.ConnectorCredentials;
import io.pipewright.adapters.support.InMemoryVault;
import io.pipewright.kernel.pipeline.ConnectorHealth;
import io.pipewright.kernel.pipeline.RecordConnectorHealth;
import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.pipeline.TaskState;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.sagas.health.HealthCheckRound;
import io.pipewright.sagas.health.MonitoredPipeline;
import io.pipewright.sagas.health.SlotObserver;
import io.pipewright.sagas.health.MonitoredPipelines;
import io.pipewright.sagas.provisioning.ServiceRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A worker's listing larger than {@code pipewright.external.connect-max-response-size} is an error for that worker,
 * never an OutOfMemoryError, and the other workers' pipelines are checked in the same round; the health benchmark's
 * listing of 1,000 connectors per worker fits the default.
 */
class OversizedListingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ExternalCallLimits SMALL = new ExternalCallLimits(Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(40), Duration.ofSeconds(30), Duration.ofSeconds(5), true,
            Duration.ofSeconds(45), DataSize.ofKilobytes(64), Duration.ofSeconds(5), Duration.ofSeconds(10));

    private final HttpServer workers = server();

    @AfterEach
    void stopWorkers() {
        workers.stop(0);
    }

    @Test
    void anOversizedListingIsAnErrorForItsWorkerWhileTheOtherWorkersPipelinesAreChecked() {
        List<String> big = IntStream.range(0, 200).mapToObj(i -> "mdb-pipeline-big" + i).toList();
        MonitoredPipeline onBig = pipeline();
        MonitoredPipeline onSmall = pipeline();
        serve("big", listing(big, "RUNNING"));
        serve("small", listing(List.of(onSmall.connectorName()), "PAUSED"));
        ConnectClient connect = new ConnectClient(WebClient.builder(), LocalEndpoints.POLICY, SMALL,
                new InMemoryVault());
        assertThatThrownBy(() -> connect.connectorsWithStatusAndConfig(LocalEndpoints.worker(url("big"))))
                .isInstanceOf(ConnectCallFailed.class)
                .hasMessage("Kafka Connect at " + url("big") + " answered more than 64 KB"
                        + " (pipewright.external.connect-max-response-size)");

        Map<UUID, ServiceRecord> sinks = Map.of(onBig.sinkServiceId(), sink(url("big")),
                onSmall.sinkServiceId(), sink(url("small")));
        OnePass fleet = new OnePass(List.of(onBig, onSmall));
        List<Object> commands = new CopyOnWriteArrayList<>();
        SimpleCommandBus bus = SimpleCommandBus.builder().build();
        bus.subscribe(RecordConnectorHealth.class.getName(), message -> commands.add(message.getPayload()));
        HealthCheckRound round = new HealthCheckRound(fleet, id -> Optional.ofNullable(sinks.get(id)),
                new ConnectWorkerObserver(connect, new ConnectorCredentials(new InMemoryVault())),
                (source, slots) -> new SlotObserver.SourceSlots(new SourceNode("10.0.0.5", 5432), null, Map.of()),
                pipelineIds -> { },
                new DriftWatch(pipelineIds -> List.of(), specs -> Map.of(), (spec, config) -> Optional.empty(), null),
                DefaultCommandGateway.builder().commandBus(bus).build(),
                Clock.systemUTC(), Duration.ofSeconds(60), 500, 4, Duration.ofSeconds(60));
        try {
            assertThat(round.run()).isEqualTo(2);
        } finally {
            round.destroy();
        }
        assertThat(commands).hasSize(2);
        assertThat(recorded(commands, onSmall)).usingRecursiveComparison().ignoringFields("observedAt")
                .isEqualTo(new RecordConnectorHealth(onSmall.pipelineId(), "PAUSED",
                        List.of(new TaskState(0, "PAUSED")), null, Instant.EPOCH));
        RecordConnectorHealth unanswered = recorded(commands, onBig);
        assertThat(unanswered.connectorState()).isEqualTo(ConnectorHealth.UNREACHABLE);
        assertThat(unanswered.errorMessage()).startsWith("the Kafka Connect worker did not answer since");
        assertThat(fleet.measured.get(onSmall.pipelineId()).connectedTo()).isEqualTo(new SourceNode("10.0.0.5", 5432));
        assertThat(fleet.measured.get(onBig.pipelineId()).connectedTo()).isNull();
    }

    @Test
    void theHealthBenchmarksListingOfAThousandConnectorsFitsTheDefault() {
        List<String> thousand = IntStream.range(0, 1000).mapToObj(i -> "mdb-pipeline-" + i).toList();
        serve("thousand", listing(thousand, "RUNNING"));
        ConnectClient connect = new ConnectClient(WebClient.builder(), LocalEndpoints.POLICY,
                ExternalCallLimits.defaults(), new InMemoryVault());
        assertThat(connect.connectorsWithStatusAndConfig(LocalEndpoints.worker(url("thousand")))).hasSize(1000);
    }

    private static MonitoredPipeline pipeline() {
        return new MonitoredPipeline(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
                "RUNNING", List.of(new TaskState(0, "RUNNING")), null, false, null, false, null, null, false);
    }

    private static ServiceRecord sink(String connectUrl) {
        return new ServiceRecord(UUID.randomUUID(), null, "local", null, new KafkaEndpoint("10.0.0.7:9092",
                LocalEndpoints.worker(connectUrl), null),
                ServiceStatus.RUNNING, Map.of());
    }

    private HttpServer server() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void serve(String worker, byte[] listing) {
        workers.createContext("/" + worker + "/", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, listing.length);
            exchange.getResponseBody().write(listing);
            exchange.close();
        });
    }

    private String url(String worker) {
        return "http://127.0.0.1:" + workers.getAddress().getPort() + "/" + worker;
    }

    /** Connect's documented {@code GET /connectors?expand=status&expand=info}, with a Debezium-sized config. */
    private static byte[] listing(List<String> connectors, String state) {
        ObjectNode all = JSON.createObjectNode();
        for (String name : connectors) {
            ObjectNode expanded = all.putObject(name);
            ObjectNode status = expanded.putObject("status");
            status.put("name", name);
            status.putObject("connector").put("state", state).put("worker_id", "127.0.0.1:8083");
            status.putArray("tasks").addObject().put("id", 0).put("state", state).put("worker_id", "127.0.0.1:8083");
            status.put("type", "source");
            ObjectNode info = expanded.putObject("info");
            info.put("name", name);
            ObjectNode config = info.putObject("config");
            config.put("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
            config.put("name", name);
            config.put("tasks.max", "1");
            config.put("plugin.name", "pgoutput");
            config.put("database.hostname", "10.0.0.5");
            config.put("database.port", "5432");
            config.put("database.user", "pipewright_" + name.replace('-', '_'));
            config.put("database.password", "${dir:/run/connect-secrets:pipewright_" + name + "}");
            config.put("database.dbname", "defaultdb");
            config.put("slot.name", "pipewright_" + name.replace('-', '_'));
            config.put("publication.name", "pipewright_" + name.replace('-', '_'));
            config.put("publication.autocreate.mode", "disabled");
            config.put("slot.failover", "true");
            config.put("snapshot.mode", "initial");
            config.put("topic.prefix", name);
            config.put("table.include.list", "public.orders,public.customers");
            info.putArray("tasks").addObject().put("connector", name).put("task", 0);
            info.put("type", "source");
        }
        try {
            return JSON.writeValueAsBytes(all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every pipeline due once. */
    private static final class OnePass implements MonitoredPipelines {

        private final List<MonitoredPipeline> due;
        private final Map<UUID, Measurement> measured = new HashMap<>();

        OnePass(List<MonitoredPipeline> pipelines) {
            this.due = new ArrayList<>(pipelines);
        }

        @Override
        public synchronized List<MonitoredPipeline> claimDue(int limit, Duration interval, Instant dueBy) {
            List<MonitoredPipeline> claimed = new ArrayList<>(due.subList(0, Math.min(limit, due.size())));
            due.removeAll(claimed);
            return claimed;
        }

        @Override
        public List<MonitoredPipeline> ofSource(UUID sourceServiceId) {
            return List.of();
        }

        @Override
        public List<UUID> monitoredSources() {
            return List.of();
        }

        @Override
        public synchronized void recordChecks(Map<UUID, Measurement> measurements, Instant observedFrom,
                                 Instant checkedAt) {
            measured.putAll(measurements);
        }
    }

    /** What the round recorded for {@code pipeline}: a worker whose listing is refused is one that did not answer. */
    private static RecordConnectorHealth recorded(List<Object> commands, MonitoredPipeline pipeline) {
        return commands.stream().map(RecordConnectorHealth.class::cast)
                .filter(command -> command.pipelineId().equals(pipeline.pipelineId())).findFirst().orElseThrow();
    }
}
