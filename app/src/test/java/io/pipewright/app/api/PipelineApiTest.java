package io.pipewright.app.api;

import static io.pipewright.app.api.ApiClient.ORGANIZATION;
import static io.pipewright.app.api.ApiClient.delete;
import static io.pipewright.app.api.ApiClient.get;
import static io.pipewright.app.api.ApiClient.post;
import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.app.support.ControlPlaneDatabase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class PipelineApiTest {

    private static final String PIPELINES = "/organizations/" + ORGANIZATION + "/pipelines";

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;
    @Autowired
    JdbcTemplate jdbc;

    private String sourceId;
    private String sinkId;

    @BeforeEach
    void registerServices() {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        sourceId = ApiClient.registeredId(web,
                ApiClient.postgresService("pg-" + suffix, "127.0.0.1", 1, "admin", "not-used"));
        sinkId = ApiClient.registeredId(web,
                ApiClient.kafkaService("kafka-" + suffix, "127.0.0.1:1", "http://127.0.0.1:1"));
    }

    @Test
    void createAnswers202WithThePendingPipelineAndItsDefaults() {
        String name = uniqueName();
        Map<String, Object> request = request(name);
        request.put("config", Map.of("tables", List.of("orders", "sales.customers", "orders")));

        post(web, PIPELINES, request)
                .expectStatus().isAccepted()
                .expectBody()
                .jsonPath("$.id").isNotEmpty()
                .jsonPath("$.organization_id").isEqualTo(ORGANIZATION)
                .jsonPath("$.name").isEqualTo(name)
                .jsonPath("$.pipeline_type").isEqualTo("cdc_pg_to_kafka")
                .jsonPath("$.source_service_id").isEqualTo(sourceId)
                .jsonPath("$.sink_service_id").isEqualTo(sinkId)
                .jsonPath("$.status").isEqualTo("Pending")
                .jsonPath("$.provision_step").isEmpty()
                .jsonPath("$.config.database_name").isEqualTo("defaultdb")
                .jsonPath("$.config.tables").isEqualTo(List.of("public.orders", "sales.customers"))
                .jsonPath("$.config.topic_prefix").isEqualTo(name)
                .jsonPath("$.config.snapshot_mode").isEqualTo("initial")
                .jsonPath("$.config.replica_identity_full").isEqualTo(false)
                .jsonPath("$.config.decimal_handling_mode").isEqualTo("double")
                .jsonPath("$.created_at").isNotEmpty();
    }

    @Test
    void theDecimalHandlingModeIsOneOfDebeziumsAndTheViewShowsIt() {
        long eventsBefore = eventCount();
        assertRefused(with("config", Map.of("tables", List.of("orders"), "decimal_handling_mode", "float")),
                "config.decimal_handling_mode", "must be one of double, string, precise");
        assertRefused(with("config", Map.of("tables", List.of("orders"), "decimal_handling_mode", "")),
                "config.decimal_handling_mode", "must be one of double, string, precise");
        assertThat(eventCount()).isEqualTo(eventsBefore);

        for (String mode : List.of("double", "string", "precise")) {
            String id = (String) post(web, PIPELINES, with("config", Map.of("tables", List.of("orders"),
                    "decimal_handling_mode", mode))).expectStatus().isAccepted()
                    .expectBody(Map.class).returnResult().getResponseBody().get("id");
            get(web, PIPELINES + "/" + id).expectStatus().isOk()
                    .expectBody().jsonPath("$.config.decimal_handling_mode").isEqualTo(mode);
        }
    }

    @Test
    void theDriftPolicyIsRepairOrReportAndTheViewShowsIt() {
        long eventsBefore = eventCount();
        assertRefused(with("config", Map.of("tables", List.of("orders"), "drift_policy", "ignore")),
                "config.drift_policy", "must be one of repair, report");
        assertThat(eventCount()).isEqualTo(eventsBefore);

        String byDefault = (String) post(web, PIPELINES, with("config", Map.of("tables", List.of("orders"))))
                .expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody().get("id");
        get(web, PIPELINES + "/" + byDefault).expectStatus().isOk()
                .expectBody().jsonPath("$.config.drift_policy").isEqualTo("repair");
        String reporting = (String) post(web, PIPELINES, with("config", Map.of("tables", List.of("orders"),
                "drift_policy", "report"))).expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody().get("id");
        get(web, PIPELINES + "/" + reporting).expectStatus().isOk()
                .expectBody().jsonPath("$.config.drift_policy").isEqualTo("report");
    }

    @Test
    void theHeartbeatIntervalIsBoundedDefaultsToTenSecondsAndTheViewShowsIt() {
        long eventsBefore = eventCount();
        for (int outOfBounds : List.of(999, 600_001, 0)) {
            assertRefused(with("config", Map.of("tables", List.of("orders"), "heartbeat_interval_ms", outOfBounds)),
                    "config.heartbeat_interval_ms", "must be between 1000 and 600000 milliseconds");
        }
        assertThat(eventCount()).isEqualTo(eventsBefore);

        String byDefault = (String) post(web, PIPELINES, with("config", Map.of("tables", List.of("orders"))))
                .expectStatus().isAccepted().expectBody(Map.class).returnResult().getResponseBody().get("id");
        get(web, PIPELINES + "/" + byDefault).expectStatus().isOk()
                .expectBody().jsonPath("$.config.heartbeat_interval_ms").isEqualTo(10_000);
        String everySecond = (String) post(web, PIPELINES, with("config", Map.of("tables", List.of("orders"),
                "heartbeat_interval_ms", 1000))).expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody().get("id");
        get(web, PIPELINES + "/" + everySecond).expectStatus().isOk()
                .expectBody().jsonPath("$.config.heartbeat_interval_ms").isEqualTo(1000);
    }

    @Test
    void thePipelineIsReadableAsSoonAsThe202Returns() {
        String id = create(uniqueName());
        get(web, PIPELINES + "/" + id).expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("Pending");
        get(web, "/pipelines/" + id + "/status").expectStatus().isOk()
                .expectBody().jsonPath("$.id").isEqualTo(id).jsonPath("$.status").isEqualTo("Pending");
        get(web, PIPELINES).expectStatus().isOk()
                .expectBody().jsonPath("$[?(@.id == '" + id + "')].name").isNotEmpty();
    }

    @Test
    void everyBrokenRuleIsA400NamingTheFieldAndTheRuleAndChangesNothing() {
        long eventsBefore = eventCount();
        assertRefused(without("name"), "name", "is required");
        assertRefused(with("name", "orders cdc"), "name", "may contain only letters, digits, hyphens and underscores");
        assertRefused(with("name", "x".repeat(65)), "name", "must be at most 64 characters");
        assertRefused(with("pipeline_type", "cdc_mysql_to_kafka"), "pipeline_type", "must be cdc_pg_to_kafka");
        assertRefused(without("pipeline_type"), "pipeline_type", "is required");
        assertRefused(with("source_service_id", "not-a-uuid"), "source_service_id", "must be a UUID");
        assertRefused(without("sink_service_id"), "sink_service_id", "is required");
        assertRefused(with("sink_service_id", sourceId), "sink_service_id", "must differ from source_service_id");
        assertRefused(with("config", Map.of("snapshot_mode", "sometimes")), "config.snapshot_mode",
                "must be one of initial, initial_only, no_data, always, when_needed");
        assertRefused(with("config", Map.of("tables", List.of("orders; DROP TABLE orders"))), "config.tables[0]",
                "must be schema.table or table, each part a PostgreSQL identifier, plain or in double quotes "
                        + "without '\"', ',' or control characters");
        assertRefused(with("config", Map.of("database_name", "../etc")), "config.database_name",
                "must be a PostgreSQL identifier: a letter or underscore, then letters, digits, underscores or $, "
                        + "at most 63 characters");
        assertRefused(with("config", Map.of("topic_prefix", "shop/orders")), "config.topic_prefix",
                "may contain only letters, digits, '.', '_' and '-', at most 200 characters");
        assertRefused(with("colour", "blue"), "colour", "is not a known field");
        assertRefused(with("config", Map.of("tablez", List.of())), "config.tablez", "is not a known field");
        assertRefused(with("name", 42), "name", "has the wrong type");
        assertRefused(with("config", Map.of("replica_identity_full", "yes")), "config.replica_identity_full",
                "has the wrong type");
        assertRefused(with("config", Map.of("tables", "orders")), "config.tables", "has the wrong type");
        assertRefusedRaw("{\"name\": ", "body", "must be well-formed JSON");
        assertRefusedRaw("[1, 2]", "body", "must be a JSON object of the documented shape");
        assertThat(eventCount()).isEqualTo(eventsBefore);
    }

    @Test
    void tablesOfTheSystemCatalogsAreRefused() {
        long eventsBefore = eventCount();
        assertRefused(with("config", Map.of("tables", List.of("pg_catalog.pg_authid"))), "config.tables[0]",
                "must not be in a system schema (pg_catalog, information_schema or pg_*)");
        assertRefused(with("config", Map.of("tables", List.of("information_schema.tables"))), "config.tables[0]",
                "must not be in a system schema (pg_catalog, information_schema or pg_*)");
        assertRefused(with("config", Map.of("tables", List.of("pg_toast.pg_toast_1260"))), "config.tables[0]",
                "must not be in a system schema (pg_catalog, information_schema or pg_*)");
        assertThat(eventCount()).isEqualTo(eventsBefore);
    }

    @Test
    void aPipelineListsItsTablesOrOptsInToAllTables() {
        long eventsBefore = eventCount();
        String allTablesRule = "is required: list the tables to capture, or set config.all_tables to true to "
                + "capture every table that has a replica identity";
        assertRefused(without("config"), "config.tables", allTablesRule);
        assertRefused(with("config", Map.of("tables", List.of())), "config.tables", allTablesRule);
        assertRefused(with("config", Map.of("topic_prefix", "shop")), "config.tables", allTablesRule);
        assertRefused(with("config", Map.of("tables", List.of("orders"), "all_tables", true)), "config.all_tables",
                "must not be true when config.tables lists tables");
        assertThat(eventCount()).isEqualTo(eventsBefore);

        post(web, PIPELINES, with("config", Map.of("all_tables", true))).expectStatus().isAccepted()
                .expectBody().jsonPath("$.config.tables").isEqualTo(List.of());
    }

    @Test
    void aPipelineListsAtMostTheConfiguredNumberOfTables() {
        List<String> tables = new ArrayList<>();
        for (int i = 0; i <= 100; i++) {
            tables.add("t" + i);
        }
        assertRefused(with("config", Map.of("tables", tables)), "config.tables", "may list at most 100 tables");
        post(web, PIPELINES, with("config", Map.of("tables", tables.subList(0, 100)))).expectStatus().isAccepted();
    }

    @Test
    void aTopicLongerThanKafkaAllowsIsRefusedAtCreate() {
        String prefix = "p".repeat(200);
        String table = "t".repeat(42);
        assertThat((prefix + ".public." + table).length()).isEqualTo(250);
        assertRefused(with("config", Map.of("tables", List.of(table), "topic_prefix", prefix)), "config.tables[0]",
                "gives a Kafka topic of 250 characters (topic_prefix.schema.table); Kafka allows at most 249");
        post(web, PIPELINES, with("config", Map.of("tables", List.of(table.substring(1)), "topic_prefix", prefix)))
                .expectStatus().isAccepted();
        assertRefused(with("config", Map.of("tables", List.of("public.\"a+b\"", "public.a_b"), "topic_prefix", "shop")),
                "config.tables[1]", "gives the same Kafka topic as config.tables[0]: shop.public.a_b");
    }

    @Test
    void quotedTableNamesAreAcceptedAsTheyAreWritten() {
        post(web, PIPELINES, with("config", Map.of("tables", List.of("public.\"a.b+c\"", "\"t(1)|u\""))))
                .expectStatus().isAccepted()
                .expectBody().jsonPath("$.config.tables").isEqualTo(List.of("public.a.b+c", "public.t(1)|u"));
        assertRefused(with("config", Map.of("tables", List.of("public.\"a,b\""))), "config.tables[0]",
                "must be schema.table or table, each part a PostgreSQL identifier, plain or in double quotes "
                        + "without '\"', ',' or control characters");
    }

    @Test
    void pausingAPipelineCreatedPausedAnswersAtOnceAndChangesNothing() {
        Map<String, Object> request = request(uniqueName());
        request.put("paused", true);
        String id = (String) post(web, PIPELINES, request).expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody().get("id");
        post(web, PIPELINES + "/" + id + "/pause", Map.of()).expectStatus().isAccepted()
                .expectBody().jsonPath("$.status").isEqualTo("Pending");
        assertThat(jdbc.queryForList("SELECT payload_type FROM domain_event_entry WHERE aggregate_identifier = ?",
                String.class, id)).noneMatch(type -> type.endsWith("PipelinePaused"));
    }

    @Test
    void servicesMustExistInTheOrganization() {
        String unknown = UUID.randomUUID().toString();
        post(web, PIPELINES, with("source_service_id", unknown))
                .expectStatus().isNotFound()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.detail")
                .isEqualTo("source service " + unknown + " not found in this organization");
        post(web, "/organizations/" + UUID.randomUUID() + "/pipelines", request(uniqueName()))
                .expectStatus().isNotFound();
    }

    @Test
    void twoConcurrentCreatesWithOneNameGiveOne202AndOne409() throws Exception {
        String name = uniqueName();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<Integer>> creates = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                creates.add(() -> post(web, PIPELINES, request(name)).returnResult(String.class)
                        .getStatus().value());
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> status : pool.invokeAll(creates)) {
                statuses.add(status.get());
            }
            assertThat(statuses).containsOnly(202, 409);
            assertThat(statuses).filteredOn(status -> status == 202).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
        post(web, PIPELINES, request(name)).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.detail").isEqualTo("a pipeline named " + name
                        + " already exists in this organization");
    }

    @Test
    void commandsThatMakeNoSenseInTheStateAre409() {
        String id = create(uniqueName());
        post(web, PIPELINES + "/" + id + "/pause", Map.of()).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.detail").value(detail -> assertThat((String) detail)
                        .endsWith("is Pending; only a Running pipeline can be paused"));
        post(web, PIPELINES + "/" + id + "/resume", Map.of()).expectStatus().isEqualTo(409);
    }

    @Test
    void deleteIsAcceptedTwiceAndShowsDeleting() {
        String id = create(uniqueName());
        delete(web, PIPELINES + "/" + id).expectStatus().isAccepted()
                .expectBody().jsonPath("$.status").isEqualTo("Deleting");
        delete(web, PIPELINES + "/" + id).expectStatus().isAccepted()
                .expectBody().jsonPath("$.status").isEqualTo("Deleting");
        delete(web, "/organizations/" + UUID.randomUUID() + "/pipelines/" + id).expectStatus().isNotFound();
        delete(web, PIPELINES + "/" + UUID.randomUUID()).expectStatus().isNotFound();
    }

    @Test
    void aServiceUsedByAPipelineCannotBeDeregistered() {
        create(uniqueName());
        delete(web, "/managed-services/" + sourceId).expectStatus().isEqualTo(409);
    }

    @Test
    void withoutCredentialsEveryEndpointAnswers401WithAProblem() {
        web.get().uri(PIPELINES).exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
        web.post().uri(PIPELINES).contentType(MediaType.APPLICATION_JSON).bodyValue(request(uniqueName()))
                .exchange().expectStatus().isUnauthorized();
        web.get().uri(PIPELINES).headers(headers -> headers.setBasicAuth(ApiClient.USERNAME, "wrong")).exchange()
                .expectStatus().isUnauthorized();
    }

    private String create(String name) {
        return (String) post(web, PIPELINES, request(name)).expectStatus().isAccepted()
                .expectBody(Map.class).returnResult().getResponseBody().get("id");
    }

    private Map<String, Object> request(String name) {
        Map<String, Object> request = new HashMap<>();
        request.put("name", name);
        request.put("pipeline_type", "cdc_pg_to_kafka");
        request.put("source_service_id", sourceId);
        request.put("sink_service_id", sinkId);
        request.put("config", Map.of("tables", List.of("orders")));
        return request;
    }

    private Map<String, Object> with(String field, Object value) {
        Map<String, Object> request = request(uniqueName());
        request.put(field, value);
        return request;
    }

    private Map<String, Object> without(String field) {
        Map<String, Object> request = request(uniqueName());
        request.remove(field);
        return request;
    }

    private void assertRefused(Map<String, Object> request, String field, String rule) {
        post(web, PIPELINES, request)
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(400)
                .jsonPath("$.field").isEqualTo(field)
                .jsonPath("$.rule").isEqualTo(rule);
    }

    private void assertRefusedRaw(String body, String field, String rule) {
        web.post().uri(PIPELINES)
                .headers(headers -> headers.setBasicAuth(ApiClient.USERNAME, ApiClient.PASSWORD))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.field").isEqualTo(field)
                .jsonPath("$.rule").isEqualTo(rule);
    }

    private long eventCount() {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE type = 'Pipeline'", Long.class);
    }

    private static String uniqueName() {
        return "p-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
