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
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.axonframework.config.EventProcessingConfiguration;
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

/** Closed after the class: its database is its own, and an idle context still holds connections and threads. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class ProjectionRebuildTest {

    private static final Instant T0 = Instant.parse("2026-06-22T08:00:00Z");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;
    @Autowired
    EventStore eventStore;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventProcessingConfiguration processing;

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
        assertThat(names(accepted)).containsExactlyInAnyOrder("pipeline-views", "service-views");
        awaitCaughtUp();

        assertThat(snapshot(pipelines, services)).isEqualTo(before);
    }

    @Test
    void theProjectionsAreListedWithTheirPosition() {
        runningPipeline();
        runningKafka();
        awaitCaughtUp();

        JsonNode projections = api.get("/operator/projections");

        long head = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
        assertThat(names(projections)).containsExactlyInAnyOrder("pipeline-views", "service-views");
        for (JsonNode projection : projections) {
            assertThat(projection.get("running").asBoolean()).isTrue();
            assertThat(projection.get("replaying").asBoolean()).isFalse();
            assertThat(projection.get("error").asBoolean()).isFalse();
            assertThat(projection.get("position").asLong()).isEqualTo(head);
        }
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

    /** Waits until both projections are running, not replaying, and have handled the last stored event. */
    private void awaitCaughtUp() {
        long head = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
        Projected.patiently().pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode projections = api.get("/operator/projections");
            assertThat(projections).hasSize(2);
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
