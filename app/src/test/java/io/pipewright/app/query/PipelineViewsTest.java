package io.pipewright.app.query;

import static io.pipewright.app.query.Fixtures.ORGANIZATION;
import static io.pipewright.app.query.Fixtures.OTHER_ORGANIZATION;
import static io.pipewright.app.query.Fixtures.pipelineCreated;
import static io.pipewright.app.query.ControlPlaneApi.fieldNames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.kernel.pipeline.ConnectorCreated;
import io.pipewright.kernel.pipeline.ConnectorHealthChanged;
import io.pipewright.kernel.pipeline.ConnectorRepointed;
import io.pipewright.kernel.pipeline.ConnectorRestarted;
import io.pipewright.kernel.pipeline.FailoverDetected;
import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.pipeline.PeeringEnsured;
import io.pipewright.kernel.pipeline.PipelineCreated;
import io.pipewright.kernel.pipeline.PipelineDeleted;
import io.pipewright.kernel.pipeline.PipelineDeletionRequested;
import io.pipewright.kernel.pipeline.PipelineFailed;
import io.pipewright.kernel.pipeline.PauseCause;
import io.pipewright.kernel.pipeline.PipelinePaused;
import io.pipewright.kernel.pipeline.PipelineResumed;
import io.pipewright.kernel.pipeline.PipelineRunning;
import io.pipewright.kernel.pipeline.TaskState;
import io.pipewright.kernel.pipeline.PipelineStatus;
import io.pipewright.kernel.pipeline.PluginInstalled;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.kernel.pipeline.ProvisionStepStarted;
import io.pipewright.kernel.pipeline.PublicationCreated;
import io.pipewright.kernel.pipeline.SourcePrepared;
import io.pipewright.kernel.query.FindPipeline;
import io.pipewright.kernel.query.PipelineView;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
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
class PipelineViewsTest {

    private static final Instant T0 = Instant.parse("2026-06-22T10:00:00Z");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;
    @Autowired
    EventStore eventStore;
    @Autowired
    QueryGateway queries;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventProcessingConfiguration processing;

    private final ObjectMapper json = new ObjectMapper();
    private ControlPlaneApi api;
    private Projected projected;

    @BeforeEach
    void setUp() {
        Projected.onlyProjectionsRun(processing);
        api = new ControlPlaneApi(web);
        projected = new Projected(jdbc);
    }

    @Test
    void thePipelineViewsFollowTheWholeLifecycle() throws Exception {
        UUID id = UUID.randomUUID();
        PipelineCreated created = pipelineCreated(id, ORGANIZATION, "orders-cdc", T0);
        EventHistory history = EventHistory.ofPipeline(eventStore, id).append(created, "test-admin");

        JsonNode pending = applied(id, T0);
        assertThat(fieldNames(pending)).containsExactly("id", "organization_id", "name", "pipeline_type",
                "source_service_id", "sink_service_id", "status", "provision_step", "config", "error_message",
                "created_at", "updated_at");
        assertThat(pending.get("id").asText()).isEqualTo(id.toString());
        assertThat(pending.get("organization_id").asText()).isEqualTo(ORGANIZATION.toString());
        assertThat(pending.get("name").asText()).isEqualTo("orders-cdc");
        assertThat(pending.get("pipeline_type").asText()).isEqualTo("cdc_pg_to_kafka");
        assertThat(pending.get("source_service_id").asText()).isEqualTo(created.sourceServiceId().toString());
        assertThat(pending.get("sink_service_id").asText()).isEqualTo(created.sinkServiceId().toString());
        assertThat(pending.get("status").asText()).isEqualTo("Pending");
        assertThat(pending.get("provision_step").isNull()).isTrue();
        assertThat(pending.get("config")).isEqualTo(json.readTree("""
                {"database_name": "defaultdb", "tables": ["public.orders", "public.customers"], "topic_prefix": "shop",
                 "snapshot_mode": "initial", "replica_identity_full": false, "decimal_handling_mode": "double",
                 "drift_policy": "repair", "heartbeat_interval_ms": 10000, "retry_window_minutes": null}"""));
        assertThat(pending.get("error_message").isNull()).isTrue();
        assertThat(pending.get("created_at").asText()).isEqualTo("2026-06-22T10:00:00Z");
        assertThat(pending.get("updated_at").asText()).isEqualTo("2026-06-22T10:00:00Z");

        JsonNode pendingStatus = api.get(statusUri(id));
        assertThat(fieldNames(pendingStatus)).containsExactly("id", "status", "connector_name", "connector_state",
                "task_states", "source_lag_bytes", "topic_prefix", "last_health_check_at", "error_message",
                "health", "restart_attempts", "next_attempt_at", "retained_wal_bytes", "warnings");
        assertThat(pendingStatus.get("health").asText()).isEqualTo("healthy");
        assertThat(pendingStatus.get("restart_attempts").asInt()).isZero();
        assertThat(pendingStatus.get("id").asText()).isEqualTo(id.toString());
        assertThat(pendingStatus.get("status").asText()).isEqualTo("Pending");
        assertThat(pendingStatus.get("topic_prefix").asText()).isEqualTo("shop");
        for (String unknownYet : List.of("connector_name", "connector_state", "task_states", "source_lag_bytes",
                "last_health_check_at", "error_message")) {
            assertThat(pendingStatus.get(unknownYet).isNull()).as(unknownYet).isTrue();
        }

        int minute = 1;
        for (ProvisionStep step : ProvisionStep.values()) {
            Instant started = T0.plusSeconds(60L * minute++);
            history.append(new ProvisionStepStarted(id, step, started), "reconciler");
            JsonNode provisioning = applied(id, started);
            assertThat(provisioning.get("status").asText()).isEqualTo("Provisioning");
            assertThat(provisioning.get("provision_step").asText()).isEqualTo(step.wireName());
            assertThat(api.get(statusUri(id)).get("status").asText()).isEqualTo("Provisioning");

            Instant completed = T0.plusSeconds(60L * minute++);
            history.append(stepCompleted(id, step, completed), "reconciler");
            JsonNode done = applied(id, completed);
            assertThat(done.get("status").asText()).isEqualTo("Provisioning");
            assertThat(done.get("provision_step").asText()).isEqualTo(step.wireName());
        }
        assertThat(api.get(statusUri(id)).get("connector_name").asText()).isEqualTo("mdb-pipeline-" + id);

        Instant running = T0.plusSeconds(60L * minute++);
        history.append(new PipelineRunning(id, "RUNNING", List.of(new TaskState(0, "RUNNING")), running), "reconciler");
        JsonNode runningView = applied(id, running);
        assertThat(runningView.get("status").asText()).isEqualTo("Running");
        assertThat(runningView.get("provision_step").asText()).isEqualTo("create_connector");
        JsonNode runningStatus = api.get(statusUri(id));
        assertThat(runningStatus.get("status").asText()).isEqualTo("Running");
        assertThat(runningStatus.get("connector_name").asText()).isEqualTo("mdb-pipeline-" + id);
        assertThat(runningStatus.get("error_message").isNull()).isTrue();

        String failure = "connector task failed: FATAL: password authentication failed for user \"pw_orders\"";
        Instant failed = T0.plusSeconds(60L * minute++);
        history.append(new PipelineFailed(id, null, failure, failed), "reconciler");
        JsonNode failedView = applied(id, failed);
        assertThat(failedView.get("status").asText()).isEqualTo("Failed");
        assertThat(failedView.get("error_message").asText()).isEqualTo(failure);
        assertThat(failedView.get("provision_step").asText()).isEqualTo("create_connector");
        JsonNode failedStatus = api.get(statusUri(id));
        assertThat(failedStatus.get("status").asText()).isEqualTo("Failed");
        assertThat(failedStatus.get("error_message").asText()).isEqualTo(failure);

        Instant recovered = T0.plusSeconds(60L * minute++);
        history.append(new PipelineRunning(id, "RUNNING", List.of(new TaskState(0, "RUNNING")), recovered), "reconciler");
        JsonNode recoveredView = applied(id, recovered);
        assertThat(recoveredView.get("status").asText()).isEqualTo("Running");
        assertThat(recoveredView.get("error_message").isNull()).isTrue();
        assertThat(api.get(statusUri(id)).get("error_message").isNull()).isTrue();

        Instant paused = T0.plusSeconds(60L * minute++);
        history.append(new PipelinePaused(id, PauseCause.REQUESTED, paused), "test-admin");
        assertThat(applied(id, paused).get("status").asText()).isEqualTo("Paused");
        JsonNode pausedStatus = api.get(statusUri(id));
        assertThat(pausedStatus.get("status").asText()).isEqualTo("Paused");
        assertThat(pausedStatus.get("warnings").get(0).asText()).contains("keeps its replication slot");

        Instant resumed = T0.plusSeconds(60L * minute++);
        history.append(new PipelineResumed(id, PauseCause.REQUESTED, resumed), "test-admin");
        assertThat(applied(id, resumed).get("status").asText()).isEqualTo("Running");

        Instant deleting = T0.plusSeconds(60L * minute++);
        history.append(new PipelineDeletionRequested(id, PipelineStatus.RUNNING, ProvisionStep.CREATE_CONNECTOR,
                deleting), "test-admin");
        assertThat(applied(id, deleting).get("status").asText())
                .isEqualTo("Deleting");
        assertThat(api.get(statusUri(id)).get("status").asText()).isEqualTo("Deleting");
        assertThat(listedIds(ORGANIZATION)).contains(id.toString());

        history.append(new PipelineDeleted(id, T0.plusSeconds(60L * minute)), "reconciler");
        projected.awaitPipeline(id);
        api.expectNotFound(pipelineUri(ORGANIZATION, id));
        api.expectNotFound(statusUri(id));
        assertThat(listedIds(ORGANIZATION)).doesNotContain(id.toString());
        JsonNode events = api.get(pipelineUri(ORGANIZATION, id) + "/events");
        assertThat(events).hasSize(18);
        assertThat(events.get(17).get("type").asText()).isEqualTo("PipelineDeleted");
    }

    /**
     * A page of the list is the JSON the database keeps of each view row ({@code view_json}, migration V20); it must
     * be what Jackson writes of the same view for GET of one pipeline: every key in order, nulls, text that needs
     * escaping, a row changed after its insert, and timestamps with no fraction, whole milliseconds and microseconds.
     * The two texts are compared as the application's mapper writes what it reads of them (an escape may spell a
     * character with other, equally valid bytes), and the timestamps as they stand in the page.
     */
    @Test
    void aPageOfTheListIsWhatJacksonWritesOfEachView() throws Exception {
        String prefix = "json-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<UUID> ids = new ArrayList<>();
        SortedMap<Instant, UUID> inCreationOrder = new TreeMap<>();
        List<Instant> createdAt = List.of(T0, T0.plusMillis(120), T0.plusNanos(123_456_000), T0.plusNanos(7_000));
        for (int i = 0; i < createdAt.size(); i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            inCreationOrder.put(createdAt.get(i), id);
            EventHistory history = EventHistory.ofPipeline(eventStore, id)
                    .append(pipelineCreated(id, ORGANIZATION, prefix + i + " \"quoted\" \\ ø", createdAt.get(i)),
                            "test-admin");
            if (i % 2 == 1) {
                history.append(new PipelineFailed(id, ProvisionStep.PREPARE_SOURCE, "line one\nline\ttwo \u0001 "
                        + "\u001b \"q\" \\ / ø € 😀", createdAt.get(i).plusNanos(1_000)), "reconciler");
            }
        }
        awaitProjected(ids.toArray(UUID[]::new));

        String page = api.getText("/organizations/" + ORGANIZATION + "/pipelines?name_prefix=" + prefix);
        String viewsOneByOne = "[" + inCreationOrder.values().stream()
                .map(id -> api.getText(pipelineUri(ORGANIZATION, id))).collect(Collectors.joining(",")) + "]";
        assertThat(json.writeValueAsString(json.readTree(page)))
                .isEqualTo(json.writeValueAsString(json.readTree(viewsOneByOne)));
        assertThat(json.readTree(page)).hasSize(4);
        assertThat(page).contains("\"created_at\":\"2026-06-22T10:00:00Z\"", "\"2026-06-22T10:00:00.120Z\"",
                "\"2026-06-22T10:00:00.123456Z\"", "\"2026-06-22T10:00:00.000007Z\"", "\"2026-06-22T10:00:00.120001Z\"",
                "\"error_message\":null");
    }

    @Test
    void theStatusFollowsTheConnectorThroughATaskFailureAndAFailover() {
        UUID id = UUID.randomUUID();
        EventHistory history = EventHistory.ofPipeline(eventStore, id)
                .append(pipelineCreated(id, ORGANIZATION, "orders-cdc-ops", T0), "test-admin");
        int second = 1;
        for (ProvisionStep step : ProvisionStep.values()) {
            history.append(new ProvisionStepStarted(id, step, T0.plusSeconds(second++)), "reconciler")
                    .append(stepCompleted(id, step, T0.plusSeconds(second++)), "reconciler");
        }
        history.append(new PipelineRunning(id, "RUNNING", List.of(new TaskState(0, "RUNNING")),
                T0.plusSeconds(second++)), "reconciler");

        String trace = "org.apache.kafka.connect.errors.ConnectException: replication slot is active";
        Instant taskFailed = T0.plusSeconds(second++);
        history.append(new ConnectorHealthChanged(id, "RUNNING", List.of(new TaskState(0, "FAILED")), trace,
                taskFailed), "health-check");
        assertThat(applied(id, taskFailed).get("status").asText()).isEqualTo("Running");
        JsonNode failing = api.get(statusUri(id));
        assertThat(failing.get("connector_state").asText()).isEqualTo("RUNNING");
        assertThat(failing.get("task_states")).isEqualTo(json.valueToTree(List.of(Map.of("id", 0, "state",
                "FAILED"))));
        assertThat(failing.get("error_message").asText()).isEqualTo(trace);

        Instant restarted = T0.plusSeconds(second++);
        history.append(new ConnectorRestarted(id, 1, restarted), "reconciler");
        assertThat(applied(id, restarted).get("error_message").asText()).isEqualTo(trace);

        Instant healed = T0.plusSeconds(second++);
        history.append(new ConnectorHealthChanged(id, "RUNNING", List.of(new TaskState(0, "RUNNING")), null,
                healed), "reconciler");
        applied(id, healed);
        JsonNode healthy = api.get(statusUri(id));
        assertThat(healthy.get("task_states").get(0).get("state").asText()).isEqualTo("RUNNING");
        assertThat(healthy.get("error_message").isNull()).isTrue();

        Instant detected = T0.plusSeconds(second++);
        history.append(new FailoverDetected(id, new SourceNode("10.0.0.1", 5432), new SourceNode("10.0.0.2", 5432),
                detected), "primary-watch");
        assertThat(applied(id, detected).get("status").asText()).isEqualTo("Running");
        assertThat(api.get(statusUri(id)).get("error_message").asText()).isEqualTo(
                "source failover: re-pointing the connector from 10.0.0.1:5432 to the new primary 10.0.0.2:5432");

        Instant repointed = T0.plusSeconds(second);
        history.append(new ConnectorRepointed(id, new SourceNode("10.0.0.2", 5432), repointed), "reconciler");
        applied(id, repointed);
        assertThat(api.get(statusUri(id)).get("error_message").isNull()).isTrue();
    }

    @Test
    void aFailedStepKeepsTheStepAndShowsTheMessage() {
        UUID id = UUID.randomUUID();
        String failure = "sink service does not have the kafka-connect addon enabled";
        EventHistory.ofPipeline(eventStore, id)
                .append(pipelineCreated(id, ORGANIZATION, "orders-cdc-2", T0), "test-admin")
                .append(new ProvisionStepStarted(id, ProvisionStep.ENSURE_NETWORK, T0.plusSeconds(1)), "reconciler")
                .append(new PeeringEnsured(id, "peering-1", T0.plusSeconds(2)), "reconciler")
                .append(new ProvisionStepStarted(id, ProvisionStep.INSTALL_PLUGIN, T0.plusSeconds(3)), "reconciler")
                .append(new PipelineFailed(id, ProvisionStep.INSTALL_PLUGIN, failure, T0.plusSeconds(4)),
                        "reconciler");

        JsonNode view = applied(id, T0.plusSeconds(4));
        assertThat(view.get("status").asText()).isEqualTo("Failed");
        assertThat(view.get("provision_step").asText()).isEqualTo("install_plugin");
        assertThat(view.get("error_message").asText()).isEqualTo(failure);
    }

    @Test
    void theListShowsOnlyTheOrganizationsLivePipelinesInCreationOrder() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID deleted = UUID.randomUUID();
        UUID foreign = UUID.randomUUID();
        EventHistory.ofPipeline(eventStore, second)
                .append(pipelineCreated(second, ORGANIZATION, "list-second", T0.plusSeconds(20)), "test-admin");
        EventHistory.ofPipeline(eventStore, first)
                .append(pipelineCreated(first, ORGANIZATION, "list-first", T0.plusSeconds(10)), "test-admin");
        EventHistory.ofPipeline(eventStore, deleted)
                .append(pipelineCreated(deleted, ORGANIZATION, "list-deleted", T0.plusSeconds(5)), "test-admin")
                .append(new PipelineDeletionRequested(deleted, PipelineStatus.PENDING, null, T0.plusSeconds(6)),
                        "test-admin")
                .append(new PipelineDeleted(deleted, T0.plusSeconds(7)), "reconciler");
        EventHistory.ofPipeline(eventStore, foreign)
                .append(pipelineCreated(foreign, OTHER_ORGANIZATION, "list-foreign", T0.plusSeconds(15)), "someone");

        awaitProjected(first, second, deleted, foreign);

        JsonNode list = api.get("/organizations/" + ORGANIZATION + "/pipelines");
        List<String> ids = listedIds(ORGANIZATION);
        assertThat(ids).contains(first.toString(), second.toString())
                .doesNotContain(deleted.toString(), foreign.toString());
        assertThat(ids.indexOf(first.toString())).isLessThan(ids.indexOf(second.toString()));
        for (JsonNode pipeline : list) {
            assertThat(pipeline.get("organization_id").asText()).isEqualTo(ORGANIZATION.toString());
            assertThat(pipeline.get("status").asText()).isNotEqualTo("Deleted");
        }
        JsonNode firstListed = StreamSupport.stream(list.spliterator(), false)
                .filter(pipeline -> pipeline.get("id").asText().equals(first.toString()))
                .findFirst()
                .orElseThrow();
        assertThat(firstListed).isEqualTo(api.get(pipelineUri(ORGANIZATION, first)));

        api.expectNotFound("/organizations/" + OTHER_ORGANIZATION + "/pipelines");
    }

    @Test
    void anotherOrganizationsPipelineIsNotFoundAnywhere() {
        UUID foreign = UUID.randomUUID();
        EventHistory.ofPipeline(eventStore, foreign)
                .append(pipelineCreated(foreign, OTHER_ORGANIZATION, "foreign-cdc", T0), "someone");
        awaitProjected(foreign);

        api.expectNotFound(statusUri(foreign));
        api.expectNotFound(pipelineUri(OTHER_ORGANIZATION, foreign));
        api.expectNotFound(pipelineUri(ORGANIZATION, foreign));
        api.expectNotFound(pipelineUri(OTHER_ORGANIZATION, foreign) + "/events");
        api.expectNotFound(pipelineUri(ORGANIZATION, foreign) + "/events");
        api.expectNotFound(statusUri(UUID.randomUUID()));
        api.expectNotFound(pipelineUri(ORGANIZATION, UUID.randomUUID()) + "/events");
    }

    @Test
    void theEventHistoryListsEveryEventAsStoredInOrderWithItsCause() throws Exception {
        UUID id = UUID.randomUUID();
        Instant before = Instant.now();
        EventHistory.ofPipeline(eventStore, id)
                .append(pipelineCreated(id, ORGANIZATION, "audited-cdc", T0), "test-admin")
                .append(new ProvisionStepStarted(id, ProvisionStep.ENSURE_NETWORK, T0.plusSeconds(1)), "reconciler")
                .appendWithoutActor(new PeeringEnsured(id, "peering-7", T0.plusSeconds(2)));
        Instant after = Instant.now();

        JsonNode events = api.get(pipelineUri(ORGANIZATION, id) + "/events");

        assertThat(events).hasSize(3);
        List<Map<String, Object>> stored = jdbc.queryForList(
                "SELECT payload, time_stamp FROM domain_event_entry WHERE aggregate_identifier = ?"
                        + " ORDER BY sequence_number", id.toString());
        List<String> types = List.of("PipelineCreated", "ProvisionStepStarted", "PeeringEnsured");
        List<String> causes = Arrays.asList("test-admin", "reconciler", null);
        for (int sequence = 0; sequence < 3; sequence++) {
            JsonNode event = events.get(sequence);
            assertThat(fieldNames(event)).containsExactly("sequence", "type", "timestamp", "payload", "caused_by");
            assertThat(event.get("sequence").asLong()).isEqualTo(sequence);
            assertThat(event.get("type").asText()).isEqualTo(types.get(sequence));
            Instant timestamp = Instant.parse(event.get("timestamp").asText());
            assertThat(timestamp).isBetween(before.minusMillis(1), after.plusMillis(1))
                    .isEqualTo(Instant.parse((String) stored.get(sequence).get("time_stamp")));
            assertThat(event.get("payload")).isEqualTo(json.readTree((byte[]) stored.get(sequence).get("payload")));
            String cause = causes.get(sequence);
            if (cause == null) {
                assertThat(event.get("caused_by").isNull()).isTrue();
            } else {
                assertThat(event.get("caused_by").asText()).isEqualTo(cause);
            }
        }
        assertThat(events.get(0).get("payload").get("name").asText()).isEqualTo("audited-cdc");
        assertThat(events.get(2).get("payload").get("resource").asText()).isEqualTo("peering-7");
    }

    @Test
    void findPipelineAnswersTheLiveViewOfTheOrganizationOrNothing() throws Exception {
        UUID id = UUID.randomUUID();
        UUID deleted = UUID.randomUUID();
        EventHistory.ofPipeline(eventStore, id)
                .append(pipelineCreated(id, ORGANIZATION, "queried-cdc", T0), "test-admin");
        EventHistory.ofPipeline(eventStore, deleted)
                .append(pipelineCreated(deleted, ORGANIZATION, "queried-deleted", T0), "test-admin")
                .append(new PipelineDeletionRequested(deleted, PipelineStatus.PENDING, null, T0.plusSeconds(1)),
                        "test-admin")
                .append(new PipelineDeleted(deleted, T0.plusSeconds(2)), "reconciler");
        awaitProjected(id, deleted);

        Optional<PipelineView> found = findPipeline(ORGANIZATION, id);
        assertThat(found).isPresent();
        assertThat(found.get().name()).isEqualTo("queried-cdc");
        assertThat(found.get().status()).isEqualTo("Pending");
        assertThat(found.get().config().topicPrefix()).isEqualTo("shop");
        assertThat(findPipeline(OTHER_ORGANIZATION, id)).isEmpty();
        assertThat(findPipeline(ORGANIZATION, deleted)).isEmpty();
        assertThat(findPipeline(ORGANIZATION, UUID.randomUUID())).isEmpty();
    }

    /**
     * A lost token makes the processor deliver every event again. The guard leaves the views alone: a row changed
     * behind the projection's back stays as it was, which a re-applied event would have overwritten.
     */
    @Test
    void redeliveredEventsChangeNothing() {
        UUID id = UUID.randomUUID();
        EventHistory.ofPipeline(eventStore, id)
                .append(pipelineCreated(id, ORGANIZATION, "redelivered-cdc", T0), "test-admin")
                .append(new ProvisionStepStarted(id, ProvisionStep.ENSURE_NETWORK, T0.plusSeconds(1)), "reconciler");
        applied(id, T0.plusSeconds(1));
        jdbc.update("UPDATE pipeline_view SET name = 'changed-behind-its-back' WHERE id = ?", id);

        StreamingEventProcessor processor = processing
                .eventProcessor("pipeline-views", StreamingEventProcessor.class).orElseThrow();
        processor.shutDown();
        jdbc.update("DELETE FROM token_entry WHERE processor_name = 'pipeline-views'");
        processor.start();
        long head = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
        Projected.patiently().until(() -> processor.processingStatus().values().stream()
                .anyMatch(segment -> segment.getCurrentPosition().orElse(-1) >= head));

        JsonNode view = api.get(pipelineUri(ORGANIZATION, id));
        assertThat(view.get("name").asText()).isEqualTo("changed-behind-its-back");
        assertThat(view.get("status").asText()).isEqualTo("Provisioning");
        assertThat(view.get("updated_at").asText()).isEqualTo(T0.plusSeconds(1).toString());
    }

    private Optional<PipelineView> findPipeline(UUID organizationId, UUID pipelineId) throws Exception {
        return queries.query(new FindPipeline(organizationId, pipelineId),
                ResponseTypes.optionalInstanceOf(PipelineView.class)).get(10, TimeUnit.SECONDS);
    }

    /** The pipeline once its last event, which happened {@code at}, is projected. */
    private JsonNode applied(UUID pipelineId, Instant at) {
        projected.awaitPipeline(pipelineId);
        JsonNode view = api.get(pipelineUri(ORGANIZATION, pipelineId));
        assertThat(view.get("updated_at").asText()).isEqualTo(at.toString());
        return view;
    }

    private void awaitProjected(UUID... pipelineIds) {
        for (UUID pipelineId : pipelineIds) {
            projected.awaitPipeline(pipelineId);
        }
    }

    private List<String> listedIds(UUID organizationId) {
        return StreamSupport.stream(api.get("/organizations/" + organizationId + "/pipelines").spliterator(), false)
                .map(pipeline -> pipeline.get("id").asText())
                .toList();
    }

    private static Object stepCompleted(UUID id, ProvisionStep step, Instant at) {
        return switch (step) {
            case ENSURE_NETWORK -> new PeeringEnsured(id, "peering-" + id, at);
            case INSTALL_PLUGIN -> new PluginInstalled(id, "debezium-connector-postgres-3.7.0.Final", at);
            case PREPARE_SOURCE -> new SourcePrepared(id, "pw_" + id.toString().replace("-", ""), at);
            case CREATE_PUBLICATION -> new PublicationCreated(id, "pw_pub_" + id.toString().replace("-", ""), at);
            case CREATE_CONNECTOR -> new ConnectorCreated(id, "mdb-pipeline-" + id, at);
        };
    }

    private static String pipelineUri(UUID organizationId, UUID pipelineId) {
        return "/organizations/" + organizationId + "/pipelines/" + pipelineId;
    }

    private static String statusUri(UUID pipelineId) {
        return "/pipelines/" + pipelineId + "/status";
    }
}
