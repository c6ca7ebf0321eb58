package io.pipewright.app.query;

import static io.pipewright.app.query.Fixtures.ORGANIZATION;
import static io.pipewright.app.query.Fixtures.OTHER_ORGANIZATION;
import static io.pipewright.app.query.Fixtures.kafkaRegistered;
import static io.pipewright.app.query.Fixtures.pipelineCreated;
import static io.pipewright.app.query.Fixtures.postgresRegistered;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.kernel.pipeline.ConnectorCreated;
import io.pipewright.kernel.pipeline.PeeringEnsured;
import io.pipewright.kernel.pipeline.PipelineDeleted;
import io.pipewright.kernel.pipeline.PipelineDeletionRequested;
import io.pipewright.kernel.pipeline.PipelineFailed;
import io.pipewright.kernel.pipeline.PauseCause;
import io.pipewright.kernel.pipeline.PipelinePaused;
import io.pipewright.kernel.pipeline.PipelineRunning;
import io.pipewright.kernel.pipeline.TaskState;
import io.pipewright.kernel.pipeline.PipelineStatus;
import io.pipewright.kernel.pipeline.PluginInstalled;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.kernel.pipeline.ProvisionStepStarted;
import io.pipewright.kernel.pipeline.PublicationCreated;
import io.pipewright.kernel.pipeline.SourcePrepared;
import io.pipewright.kernel.service.ManagedServiceDeregistered;
import io.pipewright.kernel.service.ManagedServiceStatusChanged;
import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.kernel.pipeline.PipelineResumed;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.StreamSupport;
import javax.sql.DataSource;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GapAwareTrackingToken;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.messaging.MetaData;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Closed after the class: its database is its own, and an idle context still holds connections and threads. The
 * processors take batches of {@value #BATCH_SIZE} events here, so a pipeline's events span many batches.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class ProjectionRebuildTest {

    private static final Instant T0 = Instant.parse("2026-06-22T08:00:00Z");
    private static final int BATCH_SIZE = 50;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
        registry.add("pipewright.projections.batch-size", () -> BATCH_SIZE);
    }

    @Autowired
    WebTestClient web;
    @Autowired
    EventStore eventStore;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventProcessingConfiguration processing;
    @Autowired
    TokenStore tokens;
    @Autowired
    DataSource dataSource;

    private ControlPlaneApi api;

    @BeforeEach
    void setUp() {
        Projected.onlyProjectionsRun(processing);
        api = new ControlPlaneApi(web);
    }

    @Test
    void aRebuildReproducesEveryViewFromTheEvents() {
        List<UUID> pipelines = List.of(runningPipeline(), pipelineFailedWhilePreparingTheSource(), pausedPipeline(),
                deletedPipeline(), foreignPipeline());
        List<UUID> services = List.of(runningKafka(), pendingPostgres(), deregisteredPostgres(), foreignPostgres());
        awaitCaughtUp();

        Map<String, JsonNode> before = snapshot(pipelines, services);
        assertThat(ids(before.get("/organizations/" + ORGANIZATION + "/pipelines")))
                .contains(pipelines.get(0), pipelines.get(1), pipelines.get(2))
                .doesNotContain(pipelines.get(3), pipelines.get(4));
        assertThat(ids(before.get("/managed-services")))
                .contains(services.get(0), services.get(1))
                .doesNotContain(services.get(2), services.get(3));
        jdbc.update("UPDATE pipeline_view SET status = 'Tampered', error_message = NULL");
        jdbc.update("DELETE FROM managed_service_view WHERE id = ?", services.get(0));
        assertThat(snapshot(pipelines, services)).isNotEqualTo(before);

        JsonNode accepted = api.postExpectingAccepted("/operator/projections/rebuild");
        assertThat(names(accepted)).containsExactlyInAnyOrder("pipeline-views", "service-views", "dag-views");
        awaitCaughtUp();

        assertThat(snapshot(pipelines, services)).isEqualTo(before);
    }

    /**
     * Events of 40 pipelines and 10 services interleaved one by one, so that each row changes in many batches and a
     * batch changes many rows. The views are compared whole, row by row, before and after a rebuild, and again after
     * the processors were sent back to the middle of the stream without clearing the views: events delivered again,
     * in batches cut elsewhere, change nothing.
     */
    @Test
    void aRebuildAndARedeliveryLeaveEveryRowOfEveryViewAsItWas() {
        List<List<DomainEventMessage<?>>> streams = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            streams.add(pipelineLife(UUID.randomUUID(), i));
        }
        for (int i = 0; i < 10; i++) {
            streams.add(serviceLife(UUID.randomUUID(), i));
        }
        List<EventMessage<?>> interleaved = new ArrayList<>();
        while (streams.stream().anyMatch(stream -> !stream.isEmpty())) {
            for (List<DomainEventMessage<?>> stream : streams) {
                if (!stream.isEmpty()) {
                    interleaved.add(stream.remove(0));
                }
            }
        }
        for (int from = 0; from < interleaved.size(); from += 100) {
            eventStore.publish(interleaved.subList(from, Math.min(from + 100, interleaved.size())));
        }
        awaitCaughtUp();
        assertEveryLifeEndedAsItsEventsSay();
        Map<String, String> before = tables();

        api.postExpectingAccepted("/operator/projections/rebuild");
        awaitCaughtUp();
        assertThat(tables()).isEqualTo(before);

        long head = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
        long middle = head - interleaved.size() / 2 - 7;
        for (StreamingEventProcessor processor : projectionProcessors()) {
            processor.shutDown();
            tokens.storeToken(GapAwareTrackingToken.newInstance(middle, new TreeSet<>()), processor.getName(), 0);
            tokens.releaseClaim(processor.getName(), 0);
            processor.start();
        }
        awaitCaughtUp();
        assertThat(tables()).isEqualTo(before);
    }

    @Test
    void theProjectionsAreListedWithTheirPositionAndWhatRemains() throws SQLException {
        runningPipeline();
        runningKafka();
        awaitCaughtUp();

        JsonNode projections = api.get("/operator/projections");

        long head = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
        assertThat(names(projections)).containsExactlyInAnyOrder("pipeline-views", "service-views", "dag-views");
        for (JsonNode projection : projections) {
            assertThat(projection.get("running").asBoolean()).isTrue();
            assertThat(projection.get("replaying").asBoolean()).isFalse();
            assertThat(projection.get("error").asBoolean()).isFalse();
            assertThat(projection.get("position").asLong()).isEqualTo(head);
            assertThat(projection.get("remaining").asLong()).isZero();
            assertThat(projection.get("events_per_second").isNull()).isTrue();
        }

        StreamingEventProcessor pipelineViews = projectionProcessors().get(0);
        pipelineViews.shutDown();
        try {
            JsonNode stopped = byName(api.get("/operator/projections"), "pipeline-views");
            assertThat(stopped.get("running").asBoolean()).isFalse();
            assertThat(stopped.get("remaining").isNull()).isTrue();
        } finally {
            pipelineViews.start();
        }

        // The view table locked by another session: the processor runs but cannot write, so new events remain.
        try (Connection locking = dataSource.getConnection()) {
            locking.setAutoCommit(false);
            try (Statement lock = locking.createStatement()) {
                lock.execute("LOCK TABLE pipeline_view IN EXCLUSIVE MODE");
            }
            runningPipeline();
            long newHead = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
            Projected.patiently().untilAsserted(() -> {
                JsonNode behind = byName(api.get("/operator/projections"), "pipeline-views");
                assertThat(behind.get("running").asBoolean()).isTrue();
                assertThat(behind.get("remaining").asLong()).isPositive()
                        .isEqualTo(newHead - behind.get("position").asLong());
            });
            locking.rollback();
        }
        awaitCaughtUp();
    }

    /** Every view the API serves for these pipelines and services, keyed by its URI. */
    private Map<String, JsonNode> snapshot(List<UUID> pipelines, List<UUID> services) {
        Map<String, JsonNode> views = new LinkedHashMap<>();
        String list = "/organizations/" + ORGANIZATION + "/pipelines";
        views.put(list, api.get(list));
        for (UUID id : ids(views.get(list))) {
            views.put(list + "/" + id, api.get(list + "/" + id));
            views.put("/pipelines/" + id + "/status", api.get("/pipelines/" + id + "/status"));
        }
        views.put("/managed-services", api.get("/managed-services"));
        for (UUID id : ids(views.get("/managed-services"))) {
            views.put("/managed-services/" + id, api.get("/managed-services/" + id));
        }
        pipelines.forEach(id -> views.put("rows of pipeline " + id, row("pipeline_view", id)));
        services.forEach(id -> views.put("rows of service " + id, row("managed_service_view", id)));
        return views;
    }

    /** The stored row as text, so views the API does not serve (deleted, foreign) are compared too. */
    private JsonNode row(String table, UUID id) {
        List<String> rows = jdbc.queryForList("SELECT row_to_json(v)::text FROM " + table + " v WHERE id = ?",
                String.class, id);
        return JsonNodeFactory.instance.textNode(String.join("\n", rows));
    }

    /** Waits until every projection is running, not replaying, and has handled the last stored event. */
    private void awaitCaughtUp() {
        long head = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
        Projected.patiently().pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode projections = api.get("/operator/projections");
            assertThat(projections).hasSize(3);
            for (JsonNode projection : projections) {
                assertThat(projection.get("running").asBoolean()).isTrue();
                assertThat(projection.get("replaying").asBoolean()).isFalse();
                assertThat(projection.get("position").asLong()).isEqualTo(head);
            }
        });
    }

    private UUID runningPipeline() {
        UUID id = UUID.randomUUID();
        EventHistory history = EventHistory.ofPipeline(eventStore, id)
                .append(pipelineCreated(id, ORGANIZATION, "running-" + id, T0), "test-admin");
        provisionFully(history, id);
        history.append(new PipelineRunning(id, "RUNNING", List.of(new TaskState(0, "RUNNING")), T0.plusSeconds(11)), "reconciler");
        return id;
    }

    private UUID pipelineFailedWhilePreparingTheSource() {
        UUID id = UUID.randomUUID();
        EventHistory.ofPipeline(eventStore, id)
                .append(pipelineCreated(id, ORGANIZATION, "failed-" + id, T0.plusSeconds(1)), "test-admin")
                .append(new ProvisionStepStarted(id, ProvisionStep.ENSURE_NETWORK, T0.plusSeconds(2)), "reconciler")
                .append(new PeeringEnsured(id, "peering-1", T0.plusSeconds(3)), "reconciler")
                .append(new ProvisionStepStarted(id, ProvisionStep.INSTALL_PLUGIN, T0.plusSeconds(4)), "reconciler")
                .append(new PluginInstalled(id, "debezium", T0.plusSeconds(5)), "reconciler")
                .append(new ProvisionStepStarted(id, ProvisionStep.PREPARE_SOURCE, T0.plusSeconds(6)), "reconciler")
                .append(new PipelineFailed(id, ProvisionStep.PREPARE_SOURCE,
                        "source service must be postgresql", T0.plusSeconds(7)), "reconciler");
        return id;
    }

    private UUID pausedPipeline() {
        UUID id = UUID.randomUUID();
        EventHistory history = EventHistory.ofPipeline(eventStore, id)
                .append(pipelineCreated(id, ORGANIZATION, "paused-" + id, T0.plusSeconds(2)), "test-admin");
        provisionFully(history, id);
        history.append(new PipelineRunning(id, "RUNNING", List.of(new TaskState(0, "RUNNING")), T0.plusSeconds(11)), "reconciler")
                .append(new PipelineFailed(id, null, "connector task failed: slot is active", T0.plusSeconds(12)),
                        "reconciler")
                .append(new PipelineRunning(id, "RUNNING", List.of(new TaskState(0, "RUNNING")), T0.plusSeconds(13)), "reconciler")
                .append(new PipelinePaused(id, PauseCause.REQUESTED, T0.plusSeconds(14)), "test-admin");
        return id;
    }

    private UUID deletedPipeline() {
        UUID id = UUID.randomUUID();
        EventHistory.ofPipeline(eventStore, id)
                .append(pipelineCreated(id, ORGANIZATION, "deleted-" + id, T0.plusSeconds(3)), "test-admin")
                .append(new ProvisionStepStarted(id, ProvisionStep.ENSURE_NETWORK, T0.plusSeconds(4)), "reconciler")
                .append(new PipelineDeletionRequested(id, PipelineStatus.PROVISIONING, ProvisionStep.ENSURE_NETWORK,
                        T0.plusSeconds(5)), "test-admin")
                .append(new PipelineDeleted(id, T0.plusSeconds(6)), "reconciler");
        return id;
    }

    private UUID foreignPipeline() {
        UUID id = UUID.randomUUID();
        EventHistory.ofPipeline(eventStore, id)
                .append(pipelineCreated(id, OTHER_ORGANIZATION, "foreign-" + id, T0), "someone");
        return id;
    }

    private void provisionFully(EventHistory history, UUID id) {
        history.append(new ProvisionStepStarted(id, ProvisionStep.ENSURE_NETWORK, T0.plusSeconds(5)), "reconciler")
                .append(new PeeringEnsured(id, "peering-1", T0.plusSeconds(5)), "reconciler")
                .append(new ProvisionStepStarted(id, ProvisionStep.INSTALL_PLUGIN, T0.plusSeconds(6)), "reconciler")
                .append(new PluginInstalled(id, "debezium", T0.plusSeconds(6)), "reconciler")
                .append(new ProvisionStepStarted(id, ProvisionStep.PREPARE_SOURCE, T0.plusSeconds(7)), "reconciler")
                .append(new SourcePrepared(id, "pw_role", T0.plusSeconds(7)), "reconciler")
                .append(new ProvisionStepStarted(id, ProvisionStep.CREATE_PUBLICATION, T0.plusSeconds(8)),
                        "reconciler")
                .append(new PublicationCreated(id, "pw_pub", T0.plusSeconds(8)), "reconciler")
                .append(new ProvisionStepStarted(id, ProvisionStep.CREATE_CONNECTOR, T0.plusSeconds(9)), "reconciler")
                .append(new ConnectorCreated(id, "mdb-pipeline-" + id, T0.plusSeconds(10)), "reconciler");
    }

    private UUID runningKafka() {
        UUID id = UUID.randomUUID();
        EventHistory.ofService(eventStore, id)
                .append(kafkaRegistered(id, ORGANIZATION, "kafka-" + id, T0), "test-admin")
                .append(new ManagedServiceStatusChanged(id, ServiceStatus.RUNNING, null,
                        Map.of(ServiceDescription.KAFKA_CONNECT_ADDON, ServiceStatus.RUNNING), T0.plusSeconds(30)),
                        "prober");
        return id;
    }

    private UUID pendingPostgres() {
        UUID id = UUID.randomUUID();
        EventHistory.ofService(eventStore, id)
                .append(postgresRegistered(id, ORGANIZATION, "pg-" + id, T0.plusSeconds(1)), "test-admin")
                .append(new ManagedServiceStatusChanged(id, ServiceStatus.PENDING, "connection refused", Map.of(),
                        T0.plusSeconds(31)), "prober");
        return id;
    }

    private UUID deregisteredPostgres() {
        UUID id = UUID.randomUUID();
        EventHistory.ofService(eventStore, id)
                .append(postgresRegistered(id, ORGANIZATION, "gone-pg-" + id, T0.plusSeconds(2)), "test-admin")
                .append(new ManagedServiceDeregistered(id, T0.plusSeconds(32)), "test-admin");
        return id;
    }

    private UUID foreignPostgres() {
        UUID id = UUID.randomUUID();
        EventHistory.ofService(eventStore, id)
                .append(postgresRegistered(id, OTHER_ORGANIZATION, "foreign-pg-" + id, T0), "someone");
        return id;
    }

    /** What the last events of {@link #pipelineLife} and {@link #serviceLife} leave in the views, row by row. */
    private void assertEveryLifeEndedAsItsEventsSay() {
        for (int number = 0; number < 40; number++) {
            Map<String, Object> row = jdbc.queryForMap("SELECT status, error_message, connector_name, provision_step,"
                    + " updated_at, last_sequence FROM pipeline_view WHERE name = ?", "life-" + number);
            String status = switch (number % 3) {
                case 0 -> "Deleted";
                case 1 -> "Paused";
                default -> "Running";
            };
            int last = number % 3 == 0 ? 17 : number % 3 == 1 ? 16 : 15;
            assertThat(row.get("status")).as("pipeline %d", number).isEqualTo(status);
            assertThat(row.get("error_message")).as("pipeline %d", number).isNull();
            assertThat((String) row.get("connector_name")).as("pipeline %d", number).startsWith("mdb-pipeline-");
            assertThat(row.get("provision_step")).as("pipeline %d", number).isEqualTo("create_connector");
            assertThat(((Timestamp) row.get("updated_at")).toInstant()).as("pipeline %d", number)
                    .isEqualTo(T0.plusSeconds(number + last));
            assertThat(row.get("last_sequence")).as("pipeline %d", number).isEqualTo((long) last);
        }
        for (int number = 0; number < 10; number++) {
            Map<String, Object> row = jdbc.queryForMap("SELECT status, status_reason, deregistered_at, updated_at,"
                    + " last_sequence FROM managed_service_view WHERE name IN (?, ?)", "kafka-life-" + number,
                    "pg-life-" + number);
            boolean running = number % 2 == 0;
            boolean deregistered = number % 4 == 0;
            assertThat(row.get("status")).as("service %d", number).isEqualTo(running ? "Running" : "Pending");
            assertThat(row.get("status_reason")).as("service %d", number)
                    .isEqualTo(running ? null : "connection refused 30");
            assertThat(row.get("deregistered_at") != null).as("service %d", number).isEqualTo(deregistered);
            assertThat(((Timestamp) row.get("updated_at")).toInstant()).as("service %d", number)
                    .isEqualTo(T0.plusSeconds(number + (deregistered ? 31 : 30)));
            assertThat(row.get("last_sequence")).as("service %d", number).isEqualTo(deregistered ? 31L : 30L);
        }
    }

    /** Every row of both views and of the status parts written beside them, as JSON in the order of their keys. */
    private Map<String, String> tables() {
        Map<String, String> tables = new LinkedHashMap<>();
        for (String table : List.of("pipeline_view", "managed_service_view")) {
            tables.put(table, jdbc.queryForObject("SELECT json_agg(row_to_json(v) ORDER BY v.id)::text FROM " + table
                    + " v", String.class));
        }
        tables.put("pipeline_status_part", jdbc.queryForObject("SELECT json_agg(row_to_json(p) ORDER BY p.pipeline_id, "
                + "p.kind, p.item)::text FROM pipeline_status_part p", String.class));
        return tables;
    }

    /** A pipeline that is provisioned, runs, fails, runs, is paused and resumed; every third one is then deleted. */
    private static List<DomainEventMessage<?>> pipelineLife(UUID id, int number) {
        Instant at = T0.plusSeconds(number);
        List<Object> events = new ArrayList<>(List.of(pipelineCreated(id, ORGANIZATION, "life-" + number, at),
                new ProvisionStepStarted(id, ProvisionStep.ENSURE_NETWORK, at.plusSeconds(1)),
                new PeeringEnsured(id, "peering-" + number, at.plusSeconds(2)),
                new ProvisionStepStarted(id, ProvisionStep.INSTALL_PLUGIN, at.plusSeconds(3)),
                new PluginInstalled(id, "debezium", at.plusSeconds(4)),
                new ProvisionStepStarted(id, ProvisionStep.PREPARE_SOURCE, at.plusSeconds(5)),
                new SourcePrepared(id, "pw_role_" + number, at.plusSeconds(6)),
                new ProvisionStepStarted(id, ProvisionStep.CREATE_PUBLICATION, at.plusSeconds(7)),
                new PublicationCreated(id, "pw_pub_" + number, at.plusSeconds(8)),
                new ProvisionStepStarted(id, ProvisionStep.CREATE_CONNECTOR, at.plusSeconds(9)),
                new ConnectorCreated(id, "mdb-pipeline-" + id, at.plusSeconds(10)),
                new PipelineRunning(id, "RUNNING", List.of(new TaskState(0, "RUNNING")), at.plusSeconds(11)),
                new PipelineFailed(id, null, "connector task failed: " + number, at.plusSeconds(12)),
                new PipelineRunning(id, "RUNNING", List.of(new TaskState(0, "RUNNING")), at.plusSeconds(13)),
                new PipelinePaused(id, PauseCause.REQUESTED, at.plusSeconds(14)),
                new PipelineResumed(id, PauseCause.REQUESTED, at.plusSeconds(15))));
        if (number % 3 == 0) {
            events.add(new PipelineDeletionRequested(id, PipelineStatus.RUNNING, null, at.plusSeconds(16)));
            events.add(new PipelineDeleted(id, at.plusSeconds(17)));
        } else if (number % 3 == 1) {
            events.add(new PipelinePaused(id, PauseCause.REQUESTED, at.plusSeconds(16)));
        }
        return messages("Pipeline", id, events);
    }

    /** A service whose probe flips between Running and Pending 30 times; every fourth one is then deregistered. */
    private static List<DomainEventMessage<?>> serviceLife(UUID id, int number) {
        Instant at = T0.plusSeconds(number);
        List<Object> events = new ArrayList<>();
        events.add(number % 2 == 0 ? kafkaRegistered(id, ORGANIZATION, "kafka-life-" + number, at)
                : postgresRegistered(id, ORGANIZATION, "pg-life-" + number, at));
        for (int i = 1; i <= 30; i++) {
            boolean running = (i + number) % 2 == 0;
            events.add(new ManagedServiceStatusChanged(id, running ? ServiceStatus.RUNNING : ServiceStatus.PENDING,
                    running ? null : "connection refused " + i, Map.of(), at.plusSeconds(i)));
        }
        if (number % 4 == 0) {
            events.add(new ManagedServiceDeregistered(id, at.plusSeconds(31)));
        }
        return messages("ManagedService", id, events);
    }

    private static List<DomainEventMessage<?>> messages(String type, UUID id, List<Object> events) {
        List<DomainEventMessage<?>> messages = new ArrayList<>();
        for (int sequence = 0; sequence < events.size(); sequence++) {
            messages.add(new GenericDomainEventMessage<>(type, id.toString(), sequence, events.get(sequence),
                    MetaData.with("actor", "test")));
        }
        return messages;
    }

    private List<StreamingEventProcessor> projectionProcessors() {
        return List.of(processing.eventProcessor("pipeline-views", StreamingEventProcessor.class).orElseThrow(),
                processing.eventProcessor("service-views", StreamingEventProcessor.class).orElseThrow());
    }

    private static JsonNode byName(JsonNode projections, String name) {
        return StreamSupport.stream(projections.spliterator(), false)
                .filter(projection -> projection.get("name").asText().equals(name))
                .findFirst().orElseThrow();
    }

    private static List<UUID> ids(JsonNode views) {
        return StreamSupport.stream(views.spliterator(), false)
                .map(view -> UUID.fromString(view.get("id").asText()))
                .toList();
    }

    private static List<String> names(JsonNode projections) {
        return StreamSupport.stream(projections.spliterator(), false)
                .map(projection -> projection.get("name").asText())
                .toList();
    }
}
