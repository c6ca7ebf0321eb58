package io.pipewright.app.query;

import static io.pipewright.app.query.Fixtures.ORGANIZATION;
import static io.pipewright.app.query.Fixtures.OTHER_ORGANIZATION;
import static io.pipewright.app.query.Fixtures.pipelineCreated;
import static io.pipewright.app.query.Fixtures.postgresRegistered;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.kernel.pipeline.PeeringEnsured;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.kernel.pipeline.ProvisionStepStarted;
import io.pipewright.query.pipeline.PipelineViews;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The paginated lists: {@code limit} and a signed keyset {@code page_token} on pipelines (with the {@code status} and
 * {@code name_prefix} filters) and services, {@code after_sequence} and {@code limit} on the event history. The body
 * stays a JSON array; the next page is in the {@code Next-Page-Token} and {@code Link} headers. Each test lists its
 * own name prefix, so it knows exactly which rows the listing holds.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class PaginationTest {

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
    @Autowired
    PipelineViews pipelineViews;

    private Projected projected;
    private final Instant start = Instant.now().truncatedTo(ChronoUnit.MICROS);

    @BeforeEach
    void setUp() {
        Projected.onlyProjectionsRun(processing);
        projected = new Projected(jdbc);
        // The control plane's own 64 KB codec bound is for what it reads; a client reads whole pages of views.
        web = web.mutate().responseTimeout(Duration.ofSeconds(30))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(4 * 1024 * 1024)).build();
    }

    @Test
    void pagesEndExactlyAtTheLastRow() {
        List<String> created = pipelines("edge-", 3, 0);
        String list = pipelinesOf(ORGANIZATION) + "?name_prefix=edge-";

        Listed exactlyLimit = listed(list + "&limit=3");
        assertThat(exactlyLimit.ids()).isEqualTo(created);
        assertThat(exactlyLimit.nextPageToken()).isNull();
        assertThat(exactlyLimit.link()).isNull();

        Listed moreThanLimit = listed(list + "&limit=4");
        assertThat(moreThanLimit.ids()).isEqualTo(created);
        assertThat(moreThanLimit.nextPageToken()).isNull();

        Listed first = listed(list + "&limit=2");
        assertThat(first.ids()).isEqualTo(created.subList(0, 2));
        assertThat(first.nextPageToken()).isNotNull();
        assertThat(first.link()).isEqualTo("<" + pipelinesOf(ORGANIZATION) + "?name_prefix=edge-&limit=2&page_token="
                + first.nextPageToken() + ">; rel=\"next\"");
        Listed last = listed(list + "&limit=2&page_token=" + first.nextPageToken());
        assertThat(last.ids()).isEqualTo(created.subList(2, 3));
        assertThat(last.nextPageToken()).isNull();
        assertThat(listed(first.link().substring(1, first.link().indexOf('>'))).ids()).isEqualTo(last.ids());

        Listed limitOfOne = listed(list + "&limit=1");
        assertThat(limitOfOne.ids()).isEqualTo(created.subList(0, 1));
        assertThat(limitOfOne.nextPageToken()).isNotNull();

        Listed empty = listed(pipelinesOf(ORGANIZATION) + "?name_prefix=nothing-is-called-this");
        assertThat(empty.ids()).isEmpty();
        assertThat(empty.nextPageToken()).isNull();
    }

    /** HEAD answers as GET does, without a body, as it did when these reads were controller methods. */
    @Test
    void theListAndTheStatusAnswerHead() {
        List<String> created = pipelines("head-", 2, 0);
        for (String uri : List.of(pipelinesOf(ORGANIZATION) + "?name_prefix=head-&limit=1",
                "/pipelines/" + created.get(0) + "/status")) {
            web.head().uri(uri)
                    .headers(headers -> headers.setBasicAuth("test-admin", "test-admin-password"))
                    .exchange()
                    .expectStatus().isOk()
                    .expectHeader().contentType(MediaType.APPLICATION_JSON)
                    .expectBody().isEmpty();
        }
    }

    @Test
    void withoutALimitAPageHoldsAHundred() {
        List<String> created = pipelines("hundred-", 101, 0);

        Listed first = listed(pipelinesOf(ORGANIZATION) + "?name_prefix=hundred-");
        assertThat(first.ids()).isEqualTo(created.subList(0, 100));
        assertThat(first.link()).contains("limit=100");
        assertThat(listed(pipelinesOf(ORGANIZATION) + "?name_prefix=hundred-&page_token=" + first.nextPageToken())
                .ids()).isEqualTo(created.subList(100, 101));
    }

    @Test
    void pagesStayStableWhileRowsAreAdded() {
        List<String> before = pipelines("growing-", 4, 0);
        String list = pipelinesOf(ORGANIZATION) + "?name_prefix=growing-&limit=3";

        Listed first = listed(list);
        assertThat(first.ids()).isEqualTo(before.subList(0, 3));
        List<String> added = pipelines("growing-later-", 3, 100);

        List<String> seen = new ArrayList<>(first.ids());
        String token = first.nextPageToken();
        while (token != null) {
            Listed next = listed(list + "&page_token=" + token);
            seen.addAll(next.ids());
            token = next.nextPageToken();
        }
        List<String> everything = new ArrayList<>(before);
        everything.addAll(added);
        assertThat(seen).isEqualTo(everything);
    }

    @Test
    void statusAndNamePrefixFilterTheList() {
        List<String> pending = pipelines("filtered-", 3, 0);
        List<String> provisioning = new ArrayList<>();
        for (int index = 0; index < 2; index++) {
            UUID id = UUID.randomUUID();
            EventHistory.ofPipeline(eventStore, id)
                    .append(pipelineCreated(id, ORGANIZATION, "filtered-p" + index, start.plusSeconds(10 + index)),
                            "test-admin")
                    .append(new ProvisionStepStarted(id, ProvisionStep.ENSURE_NETWORK, start.plusSeconds(20)),
                            "reconciler");
            projected.awaitPipeline(id);
            provisioning.add(id.toString());
        }
        List<String> otherNames = pipelines("filtered_other-", 1, 30);
        List<String> lookalike = pipelines("filteredX", 1, 40);

        assertThat(listed(pipelinesOf(ORGANIZATION) + "?name_prefix=filtered-").ids())
                .containsExactlyElementsOf(concat(pending, provisioning));
        assertThat(listed(pipelinesOf(ORGANIZATION) + "?name_prefix=filtered").ids())
                .containsExactlyElementsOf(concat(concat(pending, provisioning), concat(otherNames, lookalike)));
        assertThat(listed(pipelinesOf(ORGANIZATION) + "?name_prefix=filtered_").ids())
                .containsExactlyElementsOf(otherNames);
        assertThat(listed(pipelinesOf(ORGANIZATION) + "?name_prefix=filtered%").ids()).isEmpty();

        Listed provisioningOnly = listed(pipelinesOf(ORGANIZATION) + "?name_prefix=filtered-&status=Provisioning");
        assertThat(provisioningOnly.ids()).containsExactlyElementsOf(provisioning);
        for (JsonNode pipeline : provisioningOnly.body()) {
            assertThat(pipeline.get("status").asText()).isEqualTo("Provisioning");
        }
        Listed pendingPage = listed(pipelinesOf(ORGANIZATION) + "?name_prefix=filtered-&status=Pending&limit=2");
        assertThat(pendingPage.ids()).containsExactlyElementsOf(pending.subList(0, 2));
        assertThat(listed(pipelinesOf(ORGANIZATION) + "?name_prefix=filtered-&status=Pending&limit=2&page_token="
                + pendingPage.nextPageToken()).ids()).containsExactlyElementsOf(pending.subList(2, 3));
        assertThat(listed(pipelinesOf(ORGANIZATION) + "?name_prefix=filtered-&status=Running").ids()).isEmpty();
    }

    @Test
    void aBadLimitFilterOrTokenIsA400NamingTheField() {
        pipelines("refused-", 3, 0);
        String list = pipelinesOf(ORGANIZATION) + "?name_prefix=refused-";
        String token = listed(list + "&limit=1").nextPageToken();
        byte[] bytes = Base64.getUrlDecoder().decode(token);
        bytes[5] ^= 1;
        String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);

        refused(list + "&limit=0", "limit", "must be a whole number from 1 to 1000");
        refused(list + "&limit=1001", "limit", "must be a whole number from 1 to 1000");
        refused(list + "&limit=many", "limit", "must be a whole number from 1 to 1000");
        refused(list + "&limit=1&page_token=" + tampered, "page_token",
                "must be a next_page_token this listing returned");
        refused(list + "&limit=1&page_token=garbage", "page_token", "must be a next_page_token this listing returned");
        refused(pipelinesOf(ORGANIZATION) + "?name_prefix=other-&limit=1&page_token=" + token, "page_token",
                "must be a next_page_token this listing returned");
        refused("/managed-services?page_token=" + token, "page_token", "must be a next_page_token this listing returned");
        refused(list + "&status=Deleted", "status",
                "must be one of Pending, Provisioning, Running, Paused, Failed, Deleting");
        refused(list + "&name_prefix=" + "n".repeat(256), "name_prefix", "must be at most 255 characters");
        refused("/managed-services?limit=0", "limit", "must be a whole number from 1 to 1000");
        refused("/organizations/not-a-uuid/pipelines", "organization_id", "must be a UUID");
        refused("/pipelines/not-a-uuid/status", "pipeline_id", "must be a UUID");
        refused("/organizations/not-a-uuid/pipelines/" + UUID.randomUUID(), "organization_id", "must be a UUID");
        assertThat(listed(list + "&limit=1&page_token=" + token).ids()).hasSize(1);
    }

    @Test
    void servicesArePagedInCreationOrder() {
        List<String> registered = new ArrayList<>();
        for (int index = 0; index < 5; index++) {
            UUID service = UUID.randomUUID();
            EventHistory.ofService(eventStore, service).append(postgresRegistered(service, ORGANIZATION,
                    "paged-pg-" + index, start.plusSeconds(index)), "test-admin");
            projected.awaitService(service);
            registered.add(service.toString());
        }
        UUID foreign = UUID.randomUUID();
        EventHistory.ofService(eventStore, foreign).append(postgresRegistered(foreign, OTHER_ORGANIZATION,
                "foreign-pg", start.plusSeconds(2)), "someone");
        projected.awaitService(foreign);

        List<String> all = listed("/managed-services?limit=1000").ids();
        assertThat(all).isEqualTo(registered);
        List<String> paged = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        Listed page = listed("/managed-services?limit=2");
        paged.addAll(page.ids());
        sizes.add(page.ids().size());
        while (page.nextPageToken() != null) {
            page = listed("/managed-services?limit=2&page_token=" + page.nextPageToken());
            paged.addAll(page.ids());
            sizes.add(page.ids().size());
        }
        assertThat(sizes).containsExactly(2, 2, 1);
        assertThat(paged).isEqualTo(all);
    }

    @Test
    void theEventHistoryIsPagedBySequence() {
        UUID id = UUID.randomUUID();
        EventHistory history = EventHistory.ofPipeline(eventStore, id)
                .append(pipelineCreated(id, ORGANIZATION, "events-paged", start), "test-admin");
        for (int step = 1; step <= 4; step++) {
            history.append(step % 2 == 1
                    ? new ProvisionStepStarted(id, ProvisionStep.ENSURE_NETWORK, start.plusSeconds(step))
                    : new PeeringEnsured(id, "peering-" + step, start.plusSeconds(step)), "reconciler");
        }
        String events = pipelinesOf(ORGANIZATION) + "/" + id + "/events";

        assertThat(sequences(listed(events))).containsExactly(0L, 1L, 2L, 3L, 4L);
        Listed first = listed(events + "?limit=2");
        assertThat(sequences(first)).containsExactly(0L, 1L);
        assertThat(first.nextPageToken()).isEqualTo("1");
        assertThat(first.link()).isEqualTo("<" + events + "?limit=2&after_sequence=1>; rel=\"next\"");
        Listed second = listed(events + "?limit=2&after_sequence=1");
        assertThat(sequences(second)).containsExactly(2L, 3L);
        Listed last = listed(events + "?limit=2&after_sequence=3");
        assertThat(sequences(last)).containsExactly(4L);
        assertThat(last.nextPageToken()).isNull();
        Listed exactly = listed(events + "?limit=5");
        assertThat(sequences(exactly)).containsExactly(0L, 1L, 2L, 3L, 4L);
        assertThat(exactly.nextPageToken()).isNull();
        Listed none = listed(events + "?after_sequence=4");
        assertThat(none.ids()).isEmpty();
        assertThat(none.nextPageToken()).isNull();

        refused(events + "?limit=0", "limit", "must be a whole number from 1 to 1000");
        refused(events + "?limit=1001", "limit", "must be a whole number from 1 to 1000");
        refused(events + "?after_sequence=first", "after_sequence", "must be a whole number from -1 up");
        notFound(pipelinesOf(OTHER_ORGANIZATION) + "/" + id + "/events?after_sequence=4");
        notFound(pipelinesOf(ORGANIZATION) + "/" + UUID.randomUUID() + "/events?after_sequence=4");
    }

    /**
     * The status GET is one query on one primary key: with 5,000 pipelines (each with a health row and an uncaptured
     * table) in an organization, its plan reads the pipeline's parts by their index and scans no table whole.
     */
    @Test
    void theStatusIsReadOnOneIndexWhateverTheOrganizationsSize() {
        jdbc.update("""
                INSERT INTO pipeline_view (id, organization_id, name, pipeline_type, source_service_id,
                    sink_service_id, status, database_name, tables, topic_prefix, snapshot_mode, created_at,
                    updated_at, last_sequence)
                SELECT gen_random_uuid(), ?, 'bulk-' || n, 'cdc_pg_to_kafka', gen_random_uuid(), gen_random_uuid(),
                    'Running', 'defaultdb', ARRAY['public.orders'], 'shop', 'initial', now(), now(), 0
                FROM generate_series(1, 5000) AS n""", OTHER_ORGANIZATION);
        jdbc.update("""
                INSERT INTO pipeline_health (pipeline_id, source_service_id, sink_service_id, monitored)
                SELECT id, source_service_id, sink_service_id, true FROM pipeline_view WHERE name LIKE 'bulk-%'""");
        jdbc.update("""
                INSERT INTO uncaptured_table (pipeline_id, table_name)
                SELECT id, 'public.audit' FROM pipeline_view WHERE name LIKE 'bulk-%'""");
        jdbc.execute("ANALYZE pipeline_view, pipeline_health, uncaptured_table, pipeline_status_part");
        UUID pipeline = jdbc.queryForObject("SELECT id FROM pipeline_view WHERE name = 'bulk-2500'", UUID.class);

        String plan = String.join("\n", jdbc.queryForList("EXPLAIN " + PipelineViews.STATUS_QUERY
                .replace("$1", "'" + pipeline + "'::uuid"), String.class));

        assertThat(plan).doesNotContain("Seq Scan").contains("pipeline_status_part_pkey");
    }

    /**
     * A lookup by id reads one row, however many pipelines its organization has. R2DBC prepares each statement once
     * per connection, and PostgreSQL keeps a generic plan for it from the sixth execution on, planned with what the
     * table looked like then: here while the organization had ten pipelines, before it grew to 3,010, as when an
     * organization is loaded fast (the state a create's wait for its view and the status GET meet). Counted from
     * PostgreSQL's own statistics of the view's indexes.
     */
    @Test
    void aLookupByIdReadsOneRowHoweverManyPipelinesTheOrganizationHas() {
        UUID growing = UUID.randomUUID();
        insertPipelines(growing, "young-", 10);
        UUID young = jdbc.queryForObject("SELECT id FROM pipeline_view WHERE name = 'young-5'", UUID.class);
        for (int i = 0; i < 30; i++) {
            lookUp(growing, young);
        }
        insertPipelines(growing, "grown-", 3000);
        UUID pipeline = jdbc.queryForObject("SELECT id FROM pipeline_view WHERE name = 'grown-1500'", UUID.class);
        long scansBefore = viewIndexStatistic("idx_scan");
        long readBefore = viewIndexStatistic("idx_tup_read");

        int lookups = 40;
        for (int i = 0; i < lookups; i++) {
            lookUp(growing, pipeline);
        }

        // Each backend reports its counts when idle, up to seconds late, so counts of earlier reads may land in this
        // window too: allow ten rows per lookup. Through an index of the organization each lookup reads all 3,010.
        Projected.patiently().until(() -> viewIndexStatistic("idx_scan") - scansBefore >= 3L * lookups);
        assertThat(viewIndexStatistic("idx_tup_read") - readBefore).isLessThan(3L * lookups * 10);
    }

    private void lookUp(UUID organization, UUID pipeline) {
        assertThat(pipelineViews.find(organization, pipeline).block()).isNotNull();
        assertThat(pipelineViews.status(pipeline, List.of(organization)).block()).isNotNull();
        assertThat(pipelineViews.find(UUID.randomUUID(), pipeline).block()).isNull();
    }

    private void insertPipelines(UUID organization, String prefix, int count) {
        jdbc.update("""
                INSERT INTO pipeline_view (id, organization_id, name, pipeline_type, source_service_id,
                    sink_service_id, status, database_name, tables, topic_prefix, snapshot_mode, created_at,
                    updated_at, last_sequence)
                SELECT gen_random_uuid(), ?, ? || n, 'cdc_pg_to_kafka', gen_random_uuid(), gen_random_uuid(),
                    'Pending', 'defaultdb', ARRAY['public.orders'], 'shop', 'initial', now(), now(), 0
                FROM generate_series(1, ?) AS n""", organization, prefix, count);
    }

    private long viewIndexStatistic(String column) {
        return jdbc.queryForObject("SELECT sum(" + column + ") FROM pg_stat_user_indexes WHERE relname = 'pipeline_view'",
                Long.class);
    }

    /** {@code count} pipelines named {@code prefix<n>}, created a second apart from {@code offsetSeconds} on. */
    private List<String> pipelines(String prefix, int count, int offsetSeconds) {
        List<String> ids = new ArrayList<>();
        for (int index = 0; index < count; index++) {
            UUID id = UUID.randomUUID();
            EventHistory.ofPipeline(eventStore, id).append(pipelineCreated(id, ORGANIZATION,
                    prefix + index, start.plusSeconds(offsetSeconds + index)), "test-admin");
            ids.add(id.toString());
        }
        ids.forEach(id -> projected.awaitPipeline(UUID.fromString(id)));
        return ids;
    }

    private Listed listed(String uri) {
        EntityExchangeResult<JsonNode> result = web.get().uri(uri)
                .headers(headers -> headers.setBasicAuth("test-admin", "test-admin-password"))
                .exchange()
                .expectStatus().isOk()
                .expectBody(JsonNode.class)
                .returnResult();
        assertThat(result.getResponseBody().isArray()).isTrue();
        return new Listed(result.getResponseBody(), result.getResponseHeaders().getFirst("Next-Page-Token"),
                result.getResponseHeaders().getFirst("Link"));
    }

    private void refused(String uri, String field, String rule) {
        web.get().uri(uri)
                .headers(headers -> headers.setBasicAuth("test-admin", "test-admin-password"))
                .exchange()
                .expectStatus().isBadRequest()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.status").isEqualTo(400)
                .jsonPath("$.field").isEqualTo(field)
                .jsonPath("$.rule").isEqualTo(rule)
                .jsonPath("$.errors[0].field").isEqualTo(field);
    }

    private void notFound(String uri) {
        web.get().uri(uri)
                .headers(headers -> headers.setBasicAuth("test-admin", "test-admin-password"))
                .exchange()
                .expectStatus().isNotFound();
    }

    private static List<Long> sequences(Listed listed) {
        return StreamSupport.stream(listed.body().spliterator(), false)
                .map(event -> event.get("sequence").asLong())
                .toList();
    }

    private static List<String> concat(List<String> first, List<String> second) {
        List<String> both = new ArrayList<>(first);
        both.addAll(second);
        return both;
    }

    private static String pipelinesOf(UUID organizationId) {
        return "/organizations/" + organizationId + "/pipelines";
    }

    /** One answered page: the array, and the headers that lead to the next page (null on the last). */
    private record Listed(JsonNode body, String nextPageToken, String link) {

        List<String> ids() {
            return StreamSupport.stream(body.spliterator(), false).map(row -> row.get("id").asText()).toList();
        }
    }
}
