package io.pipewright.app.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.kernel.dag.CheckResult;
import io.pipewright.kernel.dag.DagDefinition;
import io.pipewright.kernel.dag.DagPipelineCreated;
import io.pipewright.kernel.dag.DagPipelineDeleted;
import io.pipewright.kernel.dag.DagPipelineRevised;
import io.pipewright.kernel.dag.DagRunCancelled;
import io.pipewright.kernel.dag.DagRunFailed;
import io.pipewright.kernel.dag.DagRunSlaMissed;
import io.pipewright.kernel.dag.DagRunStarted;
import io.pipewright.kernel.dag.DagRunSucceeded;
import io.pipewright.kernel.dag.DagSchedule;
import io.pipewright.kernel.dag.DagScheduleConfigured;
import io.pipewright.kernel.dag.DagTask;
import io.pipewright.kernel.dag.DagTaskFailed;
import io.pipewright.kernel.dag.DagTaskSkipped;
import io.pipewright.kernel.dag.DagTaskStarted;
import io.pipewright.kernel.dag.DagTaskSucceeded;
import io.pipewright.kernel.pipeline.DecimalHandlingMode;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.PipelineCreated;
import io.pipewright.kernel.pipeline.SnapshotMode;
import io.pipewright.kernel.query.DagPipelineView;
import io.pipewright.kernel.query.DagRunView;
import io.pipewright.kernel.query.FindDagPipeline;
import io.pipewright.kernel.query.FindDagRun;
import io.pipewright.query.Projections;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The DAG views on the real stack: the kernel's events of DAG pipelines and runs appended to the event store as their
 * aggregates would, projected, and read back through every GET endpoint of the reference (and the queries the command
 * side awaits). Closed after the class: its database is its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class DagViewsTest {

    /** The test admin's organization (app/src/test/resources/config/application.yml), and one they are not in. */
    private static final UUID ORGANIZATION = UUID.fromString("5b1c6a8e-0a3f-4f4e-9d1c-2f1e7c0d9a11");
    private static final UUID OTHER_ORGANIZATION = UUID.fromString("0d0e6b52-93a4-4d8e-a3f5-6c1f3f2b7e40");
    private static final Instant T0 = Instant.parse("2026-06-22T06:00:00Z");
    private static final UUID POSTGRES = UUID.randomUUID();
    private static final UUID KAFKA = UUID.randomUUID();

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

    private final Map<UUID, Long> sequences = new HashMap<>();

    /** Only the projections run: no saga answers the events these tests write into the aggregates' streams. */
    @BeforeEach
    void onlyProjectionsRun() {
        web = web.mutate().responseTimeout(Duration.ofSeconds(30)).build();
        processing.eventProcessors().values().stream()
                .filter(processor -> !Projections.ALL.contains(processor.getName()))
                .forEach(EventProcessor::shutDown);
    }

    @Test
    void aPipelineItsVersionsRunsAndLineageAreReadAtTheReferencesPaths() throws Exception {
        UUID id = UUID.randomUUID();
        append("DagPipeline", id, new DagPipelineCreated(id, ORGANIZATION, 1, dailyRevenue("SELECT * FROM raw.orders"
                + " WHERE date = '${execution_date}'"), "test-admin", T0));
        DagDefinition latest = dailyRevenue("SELECT * FROM raw.orders o JOIN raw.customers c ON c.id = o.customer_id"
                + " WHERE o.date = '${execution_date}'");
        append("DagPipeline", id, new DagPipelineRevised(id, ORGANIZATION, 2, latest, "data-engineer",
                T0.plusSeconds(60)));
        append("DagPipeline", id, new DagScheduleConfigured(id, ORGANIZATION,
                new DagSchedule("0 7 * * *", "Europe/Helsinki", false, DagSchedule.CatchUp.LATEST),
                T0.plusSeconds(120)));
        awaitProjected("dag_pipeline", id);

        JsonNode pipeline = get("/api/v1/pipelines/" + id);
        assertThat(pipeline.get("id").asText()).isEqualTo(id.toString());
        assertThat(pipeline.get("organization_id").asText()).isEqualTo(ORGANIZATION.toString());
        assertThat(pipeline.get("name").asText()).isEqualTo("daily_revenue_pipeline");
        assertThat(pipeline.get("version").asInt()).isEqualTo(2);
        assertThat(pipeline.get("latest_version").asInt()).isEqualTo(2);
        assertThat(pipeline.get("author").asText()).isEqualTo("data-engineer");
        assertThat(pipeline.get("version_created_at").asText()).isEqualTo("2026-06-22T06:01:00Z");
        assertThat(pipeline.get("created_at").asText()).isEqualTo("2026-06-22T06:00:00Z");
        assertThat(pipeline.get("updated_at").asText()).isEqualTo("2026-06-22T06:02:00Z");
        assertThat(pipeline.get("next_run_at").isNull()).isTrue();
        assertThat(pipeline.get("schedule").get("cron").asText()).isEqualTo("0 7 * * *");
        assertThat(pipeline.get("schedule").get("time_zone").asText()).isEqualTo("Europe/Helsinki");
        assertThat(pipeline.get("schedule").get("enabled").asBoolean()).isFalse();
        JsonNode definition = pipeline.get("definition");
        assertThat(definition.get("schedule").asText()).isEqualTo("0 6 * * *");
        assertThat(definition.get("postgres_service_id").asText()).isEqualTo(POSTGRES.toString());
        assertThat(StreamSupport.stream(definition.get("tasks").spliterator(), false)
                .map(task -> task.get("id").asText()).toList())
                .containsExactly("extract_orders", "transform_revenue", "quality_check", "notify");
        assertThat(definition.get("tasks").get(0).get("query").asText()).contains("raw.customers");
        assertThat(definition.get("tasks").get(1).get("depends_on").get(0).asText()).isEqualTo("extract_orders");

        JsonNode first = get("/api/v1/pipelines/" + id + "?version=1");
        assertThat(first.get("version").asInt()).isEqualTo(1);
        assertThat(first.get("latest_version").asInt()).isEqualTo(2);
        assertThat(first.get("author").asText()).isEqualTo("test-admin");
        assertThat(first.get("definition").get("tasks").get(0).get("query").asText()).doesNotContain("customers");
        expectNotFound("/api/v1/pipelines/" + id + "?version=3");
        expectInvalid("/api/v1/pipelines/" + id + "?version=0", "version");
        expectInvalid("/api/v1/pipelines/" + id + "?version=latest", "version");

        JsonNode versions = get("/api/v1/pipelines/" + id + "/versions");
        assertThat(versions).hasSize(2);
        assertThat(versions.get(0).get("version").asInt()).isEqualTo(2);
        assertThat(versions.get(0).get("author").asText()).isEqualTo("data-engineer");
        assertThat(versions.get(0).get("created_at").asText()).isEqualTo("2026-06-22T06:01:00Z");
        assertThat(versions.get(1).get("version").asInt()).isEqualTo(1);

        // A run whose first task needs a retry, whose quality check fails for good and whose notification is skipped.
        UUID failed = UUID.randomUUID();
        Instant started = T0.plusSeconds(3600);
        append("DagRun", failed, new DagRunStarted(failed, id, ORGANIZATION, 2, latest, "2026-06-22", "schedule",
                started));
        append("DagRun", failed, new DagTaskStarted(failed, id, "extract_orders", 1, started.plusSeconds(1)));
        append("DagRun", failed, new DagTaskFailed(failed, id, "extract_orders", 1, "connection reset", List.of(),
                started.plusSeconds(31), started.plusSeconds(2)));
        awaitRun(failed);
        JsonNode retrying = get("/api/v1/pipelines/" + id + "/runs/" + failed);
        assertThat(retrying.get("status").asText()).isEqualTo("running");
        assertThat(retrying.get("tasks").get(0).get("status").asText()).isEqualTo("retrying");
        assertThat(retrying.get("tasks").get(0).get("next_attempt_at").asText()).isEqualTo("2026-06-22T07:00:31Z");
        assertThat(retrying.get("tasks").get(0).get("error").asText()).isEqualTo("connection reset");
        assertThat(retrying.get("tasks").get(1).get("status").asText()).isEqualTo("pending");

        append("DagRun", failed, new DagTaskStarted(failed, id, "extract_orders", 2, started.plusSeconds(31)));
        append("DagRun", failed, new DagTaskSucceeded(failed, id, "extract_orders", 2, 42L, List.of(),
                started.plusSeconds(40)));
        append("DagRun", failed, new DagTaskStarted(failed, id, "transform_revenue", 1, started.plusSeconds(41)));
        append("DagRun", failed, new DagTaskSucceeded(failed, id, "transform_revenue", 1, 7L, List.of(),
                started.plusSeconds(50)));
        append("DagRun", failed, new DagTaskStarted(failed, id, "quality_check", 1, started.plusSeconds(51)));
        List<CheckResult> checks = List.of(new CheckResult("row_count > 0", true, 0, 7L),
                new CheckResult("revenue >= 0", false, 2, null));
        append("DagRun", failed, new DagTaskFailed(failed, id, "quality_check", 1, "check failed: revenue >= 0 (2 rows)",
                checks, null, started.plusSeconds(52)));
        append("DagRun", failed, new DagTaskSkipped(failed, id, "notify", "quality_check failed",
                started.plusSeconds(53)));
        append("DagRun", failed, new DagRunFailed(failed, id, ORGANIZATION, List.of("quality_check"),
                started.plusSeconds(53)));
        append("DagRun", failed, new DagRunSlaMissed(failed, id, ORGANIZATION, 30, started.plusSeconds(1800)));
        awaitRun(failed);

        JsonNode run = get("/api/v1/pipelines/" + id + "/runs/" + failed);
        assertThat(fieldNames(run)).containsExactly("run_id", "pipeline_id", "organization_id", "version", "status",
                "execution_date", "trigger", "sla_missed", "started_at", "ended_at", "error", "tasks");
        assertThat(run.get("status").asText()).isEqualTo("failed");
        assertThat(run.get("version").asInt()).isEqualTo(2);
        assertThat(run.get("execution_date").asText()).isEqualTo("2026-06-22");
        assertThat(run.get("trigger").asText()).isEqualTo("schedule");
        assertThat(run.get("sla_missed").asBoolean()).isTrue();
        assertThat(run.get("started_at").asText()).isEqualTo("2026-06-22T07:00:00Z");
        assertThat(run.get("ended_at").asText()).isEqualTo("2026-06-22T07:00:53Z");
        assertThat(run.get("error").asText()).isEqualTo("failed tasks: quality_check");
        JsonNode extract = run.get("tasks").get(0);
        assertThat(fieldNames(extract)).containsExactly("id", "type", "depends_on", "status", "attempts",
                "started_at", "ended_at", "next_attempt_at", "rows_written", "checks", "error");
        assertThat(extract.get("status").asText()).isEqualTo("succeeded");
        assertThat(extract.get("attempts").asInt()).isEqualTo(2);
        assertThat(extract.get("started_at").asText()).isEqualTo("2026-06-22T07:00:01Z");
        assertThat(extract.get("ended_at").asText()).isEqualTo("2026-06-22T07:00:40Z");
        assertThat(extract.get("next_attempt_at").isNull()).isTrue();
        assertThat(extract.get("rows_written").asLong()).isEqualTo(42);
        assertThat(extract.get("error").isNull()).isTrue();
        JsonNode quality = run.get("tasks").get(2);
        assertThat(quality.get("type").asText()).isEqualTo("quality");
        assertThat(quality.get("status").asText()).isEqualTo("failed");
        assertThat(quality.get("error").asText()).isEqualTo("check failed: revenue >= 0 (2 rows)");
        assertThat(quality.get("checks")).hasSize(2);
        assertThat(quality.get("checks").get(1).get("check").asText()).isEqualTo("revenue >= 0");
        assertThat(quality.get("checks").get(1).get("passed").asBoolean()).isFalse();
        assertThat(quality.get("checks").get(1).get("violating_rows").asLong()).isEqualTo(2);
        JsonNode notify = run.get("tasks").get(3);
        assertThat(notify.get("status").asText()).isEqualTo("skipped");
        assertThat(notify.get("error").asText()).isEqualTo("quality_check failed");

        // A run cancelled while its first task ran, and a later one that succeeded.
        UUID cancelled = UUID.randomUUID();
        append("DagRun", cancelled, new DagRunStarted(cancelled, id, ORGANIZATION, 2, latest, "2026-06-23", "manual",
                started.plusSeconds(86_400)));
        append("DagRun", cancelled, new DagTaskStarted(cancelled, id, "extract_orders", 1,
                started.plusSeconds(86_401)));
        append("DagRun", cancelled, new DagRunCancelled(cancelled, id, ORGANIZATION, "cancelled by test-admin",
                started.plusSeconds(86_410)));
        UUID succeeded = UUID.randomUUID();
        Instant later = started.plusSeconds(2 * 86_400);
        append("DagRun", succeeded, new DagRunStarted(succeeded, id, ORGANIZATION, 2, latest, "2026-06-24",
                "schedule", later));
        for (DagTask task : latest.tasks()) {
            append("DagRun", succeeded, new DagTaskStarted(succeeded, id, task.id(), 1, later.plusSeconds(1)));
            append("DagRun", succeeded, new DagTaskSucceeded(succeeded, id, task.id(), 1, null, List.of(),
                    later.plusSeconds(2)));
        }
        append("DagRun", succeeded, new DagRunSucceeded(succeeded, id, ORGANIZATION, later.plusSeconds(3)));
        awaitRun(cancelled);
        awaitRun(succeeded);

        JsonNode stopped = get("/api/v1/pipelines/" + id + "/runs/" + cancelled);
        assertThat(stopped.get("status").asText()).isEqualTo("cancelled");
        assertThat(stopped.get("error").asText()).isEqualTo("cancelled by test-admin");
        assertThat(StreamSupport.stream(stopped.get("tasks").spliterator(), false)
                .map(task -> task.get("status").asText()).toList()).containsOnly("cancelled");

        assertThat(runIds("/api/v1/pipelines/" + id + "/runs")).containsExactly(succeeded, cancelled, failed);
        assertThat(runIds("/api/v1/pipelines/" + id + "/runs?status=failed")).containsExactly(failed);
        assertThat(runIds("/api/v1/pipelines/" + id + "/runs?status=running")).isEmpty();
        expectInvalid("/api/v1/pipelines/" + id + "/runs?status=Failed", "status");
        expectInvalid("/api/v1/pipelines/" + id + "/runs?limit=0", "limit");
        EntityExchangeResult<JsonNode> page = exchange("/api/v1/pipelines/" + id + "/runs?limit=2");
        assertThat(ids(page.getResponseBody())).containsExactly(succeeded, cancelled);
        String token = page.getResponseHeaders().getFirst("Next-Page-Token");
        assertThat(page.getResponseHeaders().getFirst("Link"))
                .isEqualTo("</api/v1/pipelines/" + id + "/runs?limit=2&page_token=" + token + ">; rel=\"next\"");
        EntityExchangeResult<JsonNode> last = exchange("/api/v1/pipelines/" + id + "/runs?limit=2&page_token=" + token);
        assertThat(ids(last.getResponseBody())).containsExactly(failed);
        assertThat(last.getResponseHeaders().getFirst("Next-Page-Token")).isNull();
        expectInvalid("/api/v1/pipelines/" + id + "/runs?status=failed&limit=2&page_token=" + token, "page_token");

        Optional<DagPipelineView> found = queries.query(new FindDagPipeline(id, List.of(ORGANIZATION), 1),
                ResponseTypes.optionalInstanceOf(DagPipelineView.class)).get(10, TimeUnit.SECONDS);
        assertThat(found).hasValueSatisfying(view -> assertThat(view.version()).isEqualTo(1));
        assertThat(queries.query(new FindDagPipeline(id, List.of(OTHER_ORGANIZATION), null),
                ResponseTypes.optionalInstanceOf(DagPipelineView.class)).get(10, TimeUnit.SECONDS)).isEmpty();
        Optional<DagRunView> foundRun = queries.query(new FindDagRun(id, failed, List.of(ORGANIZATION)),
                ResponseTypes.optionalInstanceOf(DagRunView.class)).get(10, TimeUnit.SECONDS);
        assertThat(foundRun).hasValueSatisfying(view -> assertThat(view.tasks()).hasSize(4));
        assertThat(queries.query(new FindDagRun(UUID.randomUUID(), failed, List.of(ORGANIZATION)),
                ResponseTypes.optionalInstanceOf(DagRunView.class)).get(10, TimeUnit.SECONDS)).isEmpty();

        append("DagPipeline", id, new DagPipelineDeleted(id, ORGANIZATION, List.of(), false, later.plusSeconds(60)));
        awaitProjected("dag_pipeline", id);
        expectNotFound("/api/v1/pipelines/" + id);
        expectNotFound("/api/v1/pipelines/" + id + "/versions");
        expectNotFound("/api/v1/pipelines/" + id + "/runs");
        expectNotFound("/api/v1/pipelines/" + id + "/runs/" + failed);
        expectNotFound("/api/v1/pipelines/" + id + "/lineage");
        assertThat(ids(get("/api/v1/pipelines"))).doesNotContain(id);
    }

    @Test
    void theLineageFollowsTheTablesWithinThePipelineToOtherPipelinesAndFromCdc() {
        UUID id = UUID.randomUUID();
        UUID dashboards = UUID.randomUUID();
        UUID cdc = UUID.randomUUID();
        UUID service = UUID.randomUUID();
        append("DagPipeline", id, new DagPipelineCreated(id, ORGANIZATION, 1, dailyRevenue("SELECT * FROM raw.orders"
                + " WHERE date = '${execution_date}'", service), "test-admin", T0));
        append("DagPipeline", dashboards, new DagPipelineCreated(dashboards, ORGANIZATION, 1, new DagDefinition(
                "regional_dashboards", null, List.of(sql("refresh", List.of(),
                        "SELECT * FROM analytics.revenue_by_region", "marts.dashboard")), service, "analytics",
                null, 1, null, null), "test-admin", T0));
        append("Pipeline", cdc, new PipelineCreated(cdc, ORGANIZATION, "orders-cdc", "cdc_pg_to_kafka", service,
                KAFKA, new PipelineConfig("analytics", List.of("raw.orders"), "shop", SnapshotMode.INITIAL, false,
                DecimalHandlingMode.DOUBLE), false, T0));
        awaitProjected("dag_pipeline", id);
        awaitProjected("dag_pipeline", dashboards);
        awaitProjected("pipeline_view", cdc);

        JsonNode lineage = get("/api/v1/pipelines/" + id + "/lineage");
        assertThat(fieldNames(lineage)).containsExactly("pipeline_id", "version", "tasks", "edges");
        assertThat(lineage.get("pipeline_id").asText()).isEqualTo(id.toString());
        String namespace = "postgres://" + service + "/analytics";
        JsonNode extract = lineage.get("tasks").get(0);
        assertThat(extract.get("id").asText()).isEqualTo("extract_orders");
        assertThat(extract.get("reads").get(0).get("namespace").asText()).isEqualTo(namespace);
        assertThat(extract.get("reads").get(0).get("name").asText()).isEqualTo("raw.orders");
        assertThat(extract.get("writes").get(0).get("name").asText()).isEqualTo("staging.orders_daily");
        assertThat(lineage.get("tasks").get(2).get("reads").get(0).get("name").asText())
                .isEqualTo("analytics.revenue_by_region");
        List<String> edges = new ArrayList<>();
        for (JsonNode edge : lineage.get("edges")) {
            edges.add(node(edge.get("from")) + " -> " + node(edge.get("to")) + " via " + edge.get("via").asText());
        }
        assertThat(edges).containsExactly(
                "task extract_orders -> task transform_revenue via staging.orders_daily",
                "task transform_revenue -> task quality_check via analytics.revenue_by_region",
                "task transform_revenue -> pipeline_task regional_dashboards/refresh via analytics.revenue_by_region",
                "dataset " + namespace + "/raw.orders -> topic orders-cdc:kafka://" + KAFKA + "/shop.raw.orders via cdc");

        assertThat(names(get("/api/v1/pipelines"))).containsSubsequence("daily_revenue_pipeline",
                "regional_dashboards");
    }

    @Test
    void theListIsByNameOfTheCallersOrganizationsAndAnotherOrganizationsPipelineIsNotFound() {
        List<UUID> ids = new ArrayList<>();
        for (String name : List.of("list-c", "list-a", "list-b")) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            append("DagPipeline", id, new DagPipelineCreated(id, ORGANIZATION, 1, new DagDefinition(name, null,
                    List.of(sql("only", List.of(), "SELECT 1", "public.t")), POSTGRES, "analytics", null, 1, null,
                    null), "test-admin", T0));
        }
        UUID foreign = UUID.randomUUID();
        append("DagPipeline", foreign, new DagPipelineCreated(foreign, OTHER_ORGANIZATION, 1, dailyRevenue("SELECT 1"),
                "someone", T0));
        UUID foreignRun = UUID.randomUUID();
        append("DagRun", foreignRun, new DagRunStarted(foreignRun, foreign, OTHER_ORGANIZATION, 1,
                dailyRevenue("SELECT 1"), "2026-06-22", "manual", T0));
        ids.forEach(id -> awaitProjected("dag_pipeline", id));
        awaitProjected("dag_pipeline", foreign);
        awaitRun(foreignRun);

        List<String> listed = names(get("/api/v1/pipelines?organization_id=" + ORGANIZATION));
        assertThat(listed).containsSubsequence("list-a", "list-b", "list-c");
        assertThat(ids(get("/api/v1/pipelines"))).doesNotContain(foreign);
        List<String> paged = new ArrayList<>();
        String uri = "/api/v1/pipelines?limit=1";
        while (uri != null) {
            EntityExchangeResult<JsonNode> page = exchange(uri);
            assertThat(page.getResponseBody()).hasSizeLessThanOrEqualTo(1);
            paged.addAll(names(page.getResponseBody()));
            String link = page.getResponseHeaders().getFirst("Link");
            uri = link == null ? null : link.substring(1, link.indexOf('>'));
        }
        assertThat(paged).isEqualTo(names(get("/api/v1/pipelines")));
        expectNotFound("/api/v1/pipelines?organization_id=" + OTHER_ORGANIZATION);
        expectInvalid("/api/v1/pipelines?organization_id=not-a-uuid", "organization_id");

        expectNotFound("/api/v1/pipelines/" + foreign);
        expectNotFound("/api/v1/pipelines/" + foreign + "/versions");
        expectNotFound("/api/v1/pipelines/" + foreign + "/runs");
        expectNotFound("/api/v1/pipelines/" + foreign + "/runs/" + foreignRun);
        expectNotFound("/api/v1/pipelines/" + ids.get(0) + "/runs/" + foreignRun);
        expectNotFound("/api/v1/pipelines/" + foreign + "/lineage");
        expectNotFound("/api/v1/pipelines/" + UUID.randomUUID());
    }

    /** A lost token makes the processor deliver every event again; the guarded rows stay as they were. */
    @Test
    void redeliveredEventsChangeNothing() {
        UUID id = UUID.randomUUID();
        UUID run = UUID.randomUUID();
        DagDefinition definition = dailyRevenue("SELECT * FROM raw.orders");
        append("DagPipeline", id, new DagPipelineCreated(id, ORGANIZATION, 1, definition, "test-admin", T0));
        append("DagRun", run, new DagRunStarted(run, id, ORGANIZATION, 1, definition, "2026-06-22", "manual", T0));
        append("DagRun", run, new DagTaskStarted(run, id, "extract_orders", 1, T0.plusSeconds(1)));
        awaitProjected("dag_pipeline", id);
        awaitRun(run);
        jdbc.update("UPDATE dag_pipeline SET name = 'changed-behind-its-back' WHERE id = ?", id);
        jdbc.update("UPDATE dag_run_task SET attempts = 9 WHERE run_id = ? AND task_id = 'extract_orders'", run);

        StreamingEventProcessor processor = processing
                .eventProcessor(Projections.DAG_VIEWS, StreamingEventProcessor.class).orElseThrow();
        processor.shutDown();
        jdbc.update("DELETE FROM token_entry WHERE processor_name = ?", Projections.DAG_VIEWS);
        processor.start();
        long head = jdbc.queryForObject("SELECT max(global_index) FROM domain_event_entry", Long.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> processor.processingStatus().values().stream()
                .anyMatch(segment -> segment.getCurrentPosition().orElse(-1) >= head));

        assertThat(get("/api/v1/pipelines/" + id).get("name").asText()).isEqualTo("changed-behind-its-back");
        JsonNode tasks = get("/api/v1/pipelines/" + id + "/runs/" + run).get("tasks");
        assertThat(tasks.get(0).get("attempts").asInt()).isEqualTo(9);
        assertThat(tasks).hasSize(4);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM dag_pipeline_version WHERE pipeline_id = ?", Long.class,
                id)).isEqualTo(1);
    }

    private static DagDefinition dailyRevenue(String extractQuery) {
        return dailyRevenue(extractQuery, POSTGRES);
    }

    /** The reference's daily_revenue_pipeline on that PostgreSQL service's database {@code analytics}. */
    private static DagDefinition dailyRevenue(String extractQuery, UUID postgresServiceId) {
        return new DagDefinition("daily_revenue_pipeline", "0 6 * * *", List.of(
                sql("extract_orders", List.of(), extractQuery, "staging.orders_daily"),
                sql("transform_revenue", List.of("extract_orders"),
                        "SELECT region, SUM(amount) as revenue FROM staging.orders_daily GROUP BY region",
                        "analytics.revenue_by_region"),
                new DagTask("quality_check", DagTask.QUALITY, null, null, List.of("transform_revenue"),
                        List.of("row_count > 0", "revenue >= 0"), null, null, 0, 60, 600),
                new DagTask("notify", DagTask.NOTIFICATION, null, null, List.of("quality_check"), List.of(), "slack",
                        "Daily revenue pipeline completed", 0, 60, 600)),
                postgresServiceId, "analytics", KAFKA, 1, 30, null);
    }

    private static DagTask sql(String id, List<String> dependsOn, String query, String output) {
        return new DagTask(id, DagTask.SQL, query, output, dependsOn, List.of(), null, null, 2, 30, 600);
    }

    /** Appends to the aggregate's stream the way the command side would, so these tests need no aggregate. */
    private void append(String aggregateType, UUID aggregateId, Object event) {
        long sequence = sequences.merge(aggregateId, 0L, (previous, first) -> previous + 1);
        eventStore.publish(new GenericDomainEventMessage<>(aggregateType, aggregateId.toString(), sequence, event,
                MetaData.with("actor", "test-admin")));
    }

    /** Waits, through the database, until the view's row shows the last event of the aggregate's stream. */
    private void awaitProjected(String table, UUID id) {
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject("SELECT count(*) FROM " + table
                + " v WHERE v.id = ? AND v.last_sequence = (SELECT max(sequence_number) FROM domain_event_entry"
                + " WHERE aggregate_identifier = ?)", Long.class, id, id.toString()) == 1);
    }

    /** Waits until the run's row or one of its tasks' shows the last event of the run's stream. */
    private void awaitRun(UUID runId) {
        await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.queryForObject("SELECT count(*) FROM dag_run r"
                + " WHERE r.id = ? AND GREATEST(r.last_sequence, (SELECT max(t.last_sequence) FROM dag_run_task t"
                + " WHERE t.run_id = r.id)) = (SELECT max(sequence_number) FROM domain_event_entry"
                + " WHERE aggregate_identifier = ?)", Long.class, runId, runId.toString()) == 1);
    }

    private JsonNode get(String uri) {
        return exchange(uri).getResponseBody();
    }

    private EntityExchangeResult<JsonNode> exchange(String uri) {
        return web.get().uri(uri)
                .headers(headers -> headers.setBasicAuth("test-admin", "test-admin-password"))
                .exchange()
                .expectStatus().isOk()
                .expectBody(JsonNode.class)
                .returnResult();
    }

    private void expectNotFound(String uri) {
        web.get().uri(uri)
                .headers(headers -> headers.setBasicAuth("test-admin", "test-admin-password"))
                .exchange()
                .expectStatus().isEqualTo(HttpStatus.NOT_FOUND)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.detail").value(detail -> assertThat((String) detail).endsWith(" not found"));
    }

    private void expectInvalid(String uri, String field) {
        web.get().uri(uri)
                .headers(headers -> headers.setBasicAuth("test-admin", "test-admin-password"))
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.field").isEqualTo(field);
    }

    private static String node(JsonNode node) {
        return switch (node.get("kind").asText()) {
            case "task" -> "task " + node.get("name").asText();
            case "pipeline_task" -> "pipeline_task " + node.get("pipeline_name").asText() + "/"
                    + node.get("name").asText();
            case "topic" -> "topic " + node.get("pipeline_name").asText() + ":" + node.get("namespace").asText()
                    + "/" + node.get("name").asText();
            default -> node.get("kind").asText() + " " + node.get("namespace").asText() + "/"
                    + node.get("name").asText();
        };
    }

    private static List<UUID> runIds(JsonNode runs) {
        return StreamSupport.stream(runs.spliterator(), false)
                .map(run -> UUID.fromString(run.get("run_id").asText())).toList();
    }

    private List<UUID> runIds(String uri) {
        return runIds(get(uri));
    }

    private static List<UUID> ids(JsonNode list) {
        return StreamSupport.stream(list.spliterator(), false)
                .map(item -> UUID.fromString(item.has("run_id") ? item.get("run_id").asText()
                        : item.get("id").asText())).toList();
    }

    private static List<String> names(JsonNode list) {
        return StreamSupport.stream(list.spliterator(), false).map(item -> item.get("name").asText()).toList();
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
