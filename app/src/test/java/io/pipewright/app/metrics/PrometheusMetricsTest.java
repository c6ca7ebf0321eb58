package io.pipewright.app.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.localstack.LocalStack;
import io.pipewright.sagas.orphans.TaggedResource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * {@code /actuator/prometheus} on the real stack: who may read it (operators, and the scrape token for nothing else),
 * every live pipeline's series with its labels and the values the status endpoint shows, the step histogram against
 * the steps' own event times, restarts counted from a connector that really fails, the processors' lag, the HTTP
 * server metrics, and the Grafana dashboard querying only metrics a scrape has. Metrics are exported as in a
 * deployment: Spring Boot's tests turn exporters off unless asked.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@AutoConfigureObservability(tracing = false)
@DirtiesContext
class PrometheusMetricsTest {

    private static final String SCRAPE_TOKEN = "scrape-" + UUID.randomUUID();
    private static final String METRICS = "/actuator/prometheus";
    private static final String ORGANIZATION = PipewrightClient.ORGANIZATION;
    private static final String PIPELINES = PipewrightClient.PIPELINES;
    private static final String STATUS = "pipewright_pipeline_status";
    private static final String SOURCE_LAG = "pipewright_pipeline_source_lag_bytes";
    private static final String RETAINED_WAL = "pipewright_pipeline_retained_wal_bytes";
    private static final String RESTARTS = "pipewright_pipeline_connector_restarts_total";
    private static final String HEALTH_CHECK_AGE = "pipewright_pipeline_health_check_age_seconds";
    private static final String STEP_DURATION = "pipewright_provisioning_step_duration_seconds";
    private static final String PROCESSOR_LAG = "pipewright_event_processor_lag_events";
    private static final Pattern SELECTED_METRIC = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\{");
    private static final Pattern LABEL_VALUES_METRIC = Pattern.compile("label_values\\(([a-zA-Z_:][a-zA-Z0-9_:]*)");

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
        registry.add("pipewright.metrics.scrape-token-sha256", () -> HexFormat.of().formatHex(sha256(SCRAPE_TOKEN)));
    }

    @Autowired
    WebTestClient web;

    private final LocalStack stack = ControlPlaneDatabase.stack();
    private PipewrightClient api;
    private String suffix;

    @BeforeEach
    void client() {
        api = new PipewrightClient(web, stack);
        suffix = UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void operatorsAndTheScrapeTokenReadTheMetricsAndTheTokenNothingElse() {
        request(HttpMethod.GET, METRICS, headers -> { }).expectStatus().isUnauthorized();
        request(HttpMethod.GET, METRICS, headers -> headers.setBearerAuth("scrape-not-the-token"))
                .expectStatus().isUnauthorized();
        request(HttpMethod.GET, METRICS, headers -> headers.setBasicAuth("test-admin", "test-admin-password"))
                .expectStatus().isOk();
        api.call("POST", "/operator/users", Map.of("username", "viewer-" + suffix,
                "password", "viewer-password-" + suffix, "operator", false), 201);
        request(HttpMethod.GET, METRICS, headers -> headers.setBasicAuth("viewer-" + suffix,
                "viewer-password-" + suffix)).expectStatus().isForbidden();

        for (String elsewhere : List.of("/actuator/metrics", "/actuator/info", "/operator/projections",
                "/organizations", PIPELINES, "/tokens")) {
            request(HttpMethod.GET, elsewhere, this::scrapeToken).expectStatus().isForbidden();
        }
        request(HttpMethod.POST, METRICS, this::scrapeToken).expectStatus().isForbidden();

        Exposition scrape = scrape();
        assertThat(scrape.names()).contains("http_server_requests_seconds_count", "http_server_requests_seconds_sum",
                "http_server_requests_seconds_bucket");
        assertThat(scrape.samples("http_server_requests_seconds_count", Map.of("uri", "/actuator/prometheus",
                "status", "200"))).isNotEmpty();
        for (String kind : TaggedResource.REMOVAL_ORDER) {
            assertThat(scrape.samples("pipewright_orphans", Map.of("kind", kind))).as(kind).hasSize(1);
        }
        for (ProvisionStep step : ProvisionStep.values()) {
            assertThat(scrape.samples(STEP_DURATION + "_bucket", Map.of("step", step.wireName(), "le", "+Inf")))
                    .as(step.wireName()).hasSize(1);
        }
    }

    @Test
    void everyLivePipelineHasItsSeriesWithItsLabelsAndADeletedOneHasNone() {
        String source = api.register(Map.of("name", "pg-" + suffix, "database_type", "postgresql", "version", "17",
                "zone", "se-sto1", "postgresql", Map.of(
                        "hosts", List.of(Map.of("host", "127.0.0.1", "port", 1, "role", "primary")),
                        "admin_user", "admin", "admin_password", "not-used", "hba_management", "superuser_sql")));
        String sink = api.register(Map.of("name", "kafka-" + suffix, "database_type", "kafka", "zone", "fi-hel1",
                "addons", List.of("kafka-connect"), "kafka", Map.of("bootstrap_servers", "127.0.0.1:1",
                        "kafka_connect", Map.of("url", "http://127.0.0.1:1",
                                "secrets_directory", "/run/connect-secrets"))));
        String kept = create("kept-" + suffix, source, sink);
        String deleted = create("deleted-" + suffix, source, sink);
        api.call("DELETE", PIPELINES + "/" + deleted, null, 202);
        api.awaitEvent(deleted, "PipelineDeleted", Duration.ofMinutes(1));

        Map<String, String> labels = labels(kept, "kept-" + suffix);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String before = api.get("/pipelines/" + kept + "/status").get("status").asText();
            Exposition scrape = scrape();
            String after = api.get("/pipelines/" + kept + "/status").get("status").asText();
            assertThat(after).isEqualTo(before);
            List<Exposition.Sample> status = scrape.samples(STATUS, labels);
            assertThat(status).hasSize(1);
            assertThat(status.get(0).labels()).isEqualTo(with(labels, "status", before));
            assertThat(status.get(0).value()).isEqualTo(1);
            assertThat(scrape.value(RESTARTS, labels)).isZero();
            for (String unmeasured : List.of(SOURCE_LAG, RETAINED_WAL, HEALTH_CHECK_AGE)) {
                assertThat(scrape.samples(unmeasured, labels)).as(unmeasured).isEmpty();
            }
            assertThat(scrape.samples(STATUS, Map.of("pipeline_id", deleted))).isEmpty();
            assertThat(scrape.samples(RESTARTS, Map.of("pipeline_id", deleted))).isEmpty();
        });

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(scrape().value(PROCESSOR_LAG, Map.of("processor", "pipeline-views"))).isZero());
        Set<String> processors = new TreeSet<>();
        scrape().samples(PROCESSOR_LAG, Map.of()).forEach(sample -> processors.add(sample.labels().get("processor")));
        assertThat(processors).contains("pipeline-views", "service-views", "pipeline-health",
                "PipelineSagaProcessor", "provisioning-step-durations");
    }

    @Test
    void aProvisionedPipelineShowsItsStepDurationsItsHealthAndItsRestarts() throws IOException {
        String source = api.register(api.source("metrics-source-" + suffix, "local"));
        String sink = api.register(api.sink("metrics-kafka-" + suffix, "local", stack.connect().restUrl()));
        api.awaitServiceRunning(source);
        api.awaitServiceRunning(sink);
        String name = "metrics-" + suffix;
        String id = api.call("POST", PIPELINES, Map.of("name", name, "pipeline_type", "cdc_pg_to_kafka",
                "source_service_id", source, "sink_service_id", sink,
                "config", Map.of("tables", List.of("orders"), "topic_prefix", "m" + suffix,
                        // The task is made to fail by dropping its publication by hand: only reported, not repaired.
                        "drift_policy", "report")), 202).get("id").asText();
        api.awaitStatus(id, "Running", Duration.ofMinutes(4));
        Map<String, String> pipeline = labels(id, name);

        Map<ProvisionStep, Double> stepSeconds = stepDurations(id);
        assertThat(stepSeconds).hasSize(ProvisionStep.values().length);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Exposition scrape = scrape();
            stepSeconds.keySet().forEach(step -> assertThat(scrape.value(STEP_DURATION + "_count",
                    Map.of("step", step.wireName()))).isEqualTo(1));
        });
        Exposition steps = scrape();
        stepSeconds.forEach((step, seconds) -> {
            assertThat(steps.value(STEP_DURATION + "_sum", Map.of("step", step.wireName())))
                    .as(step.wireName()).isCloseTo(seconds, within(1e-6));
            List<Exposition.Sample> buckets = steps.samples(STEP_DURATION + "_bucket", Map.of("step",
                    step.wireName()));
            assertThat(buckets).hasSizeGreaterThan(10);
            buckets.forEach(bucket -> assertThat(bucket.value()).as(step.wireName() + " le " + bucket.labels())
                    .isEqualTo(upperBound(bucket) >= seconds ? 1 : 0));
        });

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            JsonNode before = api.get("/pipelines/" + id + "/status");
            Instant scrapeStarted = Instant.now();
            Exposition scrape = scrape();
            Instant scrapeEnded = Instant.now();
            JsonNode after = api.get("/pipelines/" + id + "/status");
            assertThat(before.get("last_health_check_at").isNull()).isFalse();
            assertThat(after.get("last_health_check_at")).isEqualTo(before.get("last_health_check_at"));
            assertThat(scrape.value(SOURCE_LAG, pipeline)).isEqualTo(before.get("source_lag_bytes").asDouble());
            assertThat(scrape.value(RETAINED_WAL, pipeline)).isEqualTo(before.get("retained_wal_bytes").asDouble())
                    .isPositive();
            Instant checked = Instant.parse(before.get("last_health_check_at").asText());
            assertThat(scrape.value(HEALTH_CHECK_AGE, pipeline)).isBetween(
                    seconds(Duration.between(checked, scrapeStarted)) - 0.01,
                    seconds(Duration.between(checked, scrapeEnded)) + 0.01);
            assertThat(scrape.samples(STATUS, pipeline)).singleElement()
                    .satisfies(status -> assertThat(status.labels()).containsEntry("status", "Running"));
        });

        assertThat(scrape().value(RESTARTS, pipeline)).isZero();
        stack.source().execute(LocalStack.SOURCE_DATABASE, "DROP PUBLICATION pipewright_" + id.replace("-", "")
                + "; INSERT INTO public.orders (customer_id, status, total) VALUES (1, 'NEW', 1.00)");
        await().atMost(Duration.ofMinutes(2)).until(() -> scrape().value(RESTARTS, pipeline) >= 1);
        awaitRestartsAsRecorded(id, pipeline);

        api.call("POST", "/operator/projections/rebuild", null, 202);
        await().atMost(Duration.ofMinutes(1)).until(() -> {
            List<Boolean> replaying = new ArrayList<>();
            api.get("/operator/projections").forEach(projection -> replaying.add(projection.get("replaying")
                    .asBoolean()));
            return !replaying.contains(true);
        });
        awaitRestartsAsRecorded(id, pipeline);

        everyMetricTheDashboardQueriesIsScraped(scrape());

        api.call("DELETE", PIPELINES + "/" + id, null, 202);
        api.awaitEvent(id, "PipelineDeleted", Duration.ofMinutes(2));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Exposition scrape = scrape();
            for (String series : List.of(STATUS, SOURCE_LAG, RETAINED_WAL, RESTARTS, HEALTH_CHECK_AGE)) {
                assertThat(scrape.samples(series, Map.of("pipeline_id", id))).as(series).isEmpty();
            }
        });
    }

    /** The restarts counted in the view are the ConnectorRestarted events of the pipeline's history. */
    private void awaitRestartsAsRecorded(String id, Map<String, String> pipeline) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            long recorded = restartEvents(id);
            double exported = scrape().value(RESTARTS, pipeline);
            assertThat(restartEvents(id)).isEqualTo(recorded);
            assertThat(exported).isEqualTo(recorded);
        });
    }

    private long restartEvents(String id) {
        return api.eventTypes(id).stream().filter("ConnectorRestarted"::equals).count();
    }

    /** The Grafana dashboard parses, and every metric its panels and variables select is in a scrape. */
    private static void everyMetricTheDashboardQueriesIsScraped(Exposition scrape) throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("..", "docs", "grafana-dashboard.json").toFile());
        List<String> queries = new ArrayList<>();
        dashboard.findValues("expr").forEach(expr -> queries.add(expr.asText()));
        dashboard.path("templating").path("list").forEach(variable -> {
            if (variable.has("definition")) {
                queries.add(variable.get("definition").asText());
            }
        });
        Set<String> metrics = new TreeSet<>();
        for (String query : queries) {
            for (Pattern metric : List.of(SELECTED_METRIC, LABEL_VALUES_METRIC)) {
                Matcher found = metric.matcher(query);
                while (found.find()) {
                    metrics.add(found.group(1));
                }
            }
        }
        assertThat(metrics).contains(STATUS, SOURCE_LAG, RETAINED_WAL, RESTARTS, HEALTH_CHECK_AGE,
                STEP_DURATION + "_bucket", "pipewright_orphans", PROCESSOR_LAG, "http_server_requests_seconds_count",
                "http_server_requests_seconds_bucket");
        assertThat(scrape.names()).containsAll(metrics);
        dashboard.findValues("datasource").forEach(datasource -> {
            if (datasource.isObject()) {
                assertThat(datasource.get("uid").asText()).isEqualTo("${datasource}");
            }
        });
    }

    /** Each step's time from its ProvisionStepStarted to its completion, as the events recorded them. */
    private Map<ProvisionStep, Double> stepDurations(String id) {
        JsonNode events = api.get(PIPELINES + "/" + id + "/events");
        Map<ProvisionStep, Double> durations = new HashMap<>();
        for (int i = 0; i + 1 < events.size(); i++) {
            JsonNode started = events.get(i);
            if (started.get("type").asText().equals("ProvisionStepStarted")) {
                ProvisionStep step = ProvisionStep.valueOf(started.at("/payload/step").asText());
                Instant completed = Instant.parse(events.get(i + 1).at("/payload/completed_at").asText());
                durations.put(step, seconds(Duration.between(Instant.parse(started.at("/payload/started_at")
                        .asText()), completed)));
            }
        }
        return durations;
    }

    private String create(String name, String source, String sink) {
        return api.call("POST", PIPELINES, Map.of("name", name, "pipeline_type", "cdc_pg_to_kafka",
                "source_service_id", source, "sink_service_id", sink, "config", Map.of("tables", List.of("orders"))),
                202).get("id").asText();
    }

    /** A scrape as Prometheus makes it, with the scrape token. */
    private Exposition scrape() {
        return Exposition.parse(new String(request(HttpMethod.GET, METRICS, this::scrapeToken).expectStatus().isOk()
                .expectBody().returnResult().getResponseBody(), StandardCharsets.UTF_8));
    }

    /** A scrape is larger than the 64 KiB a request body may have, the limit the test's client shares. */
    private WebTestClient.ResponseSpec request(HttpMethod method, String path, Consumer<HttpHeaders> credentials) {
        return web.mutate().codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024)).build()
                .method(method).uri(path).headers(credentials).exchange();
    }

    private void scrapeToken(HttpHeaders headers) {
        headers.setBearerAuth(SCRAPE_TOKEN);
    }

    private static Map<String, String> labels(String pipelineId, String name) {
        return Map.of("pipeline_id", pipelineId, "pipeline_name", name, "organization_id", ORGANIZATION);
    }

    private static Map<String, String> with(Map<String, String> labels, String name, String value) {
        Map<String, String> more = new HashMap<>(labels);
        more.put(name, value);
        return more;
    }

    private static double upperBound(Exposition.Sample bucket) {
        String le = bucket.labels().get("le");
        return le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le);
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException unavailable) {
            throw new IllegalStateException(unavailable);
        }
    }
}
