package io.pipewright.app.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.localstack.KafkaBroker;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import io.pipewright.query.page.Page;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The control plane's API as the tests on the real stack use it, as the bootstrap admin of the test configuration,
 * with the registrations of the stack's services.
 */
public final class PipewrightClient {

    public static final String ORGANIZATION = "5b1c6a8e-0a3f-4f4e-9d1c-2f1e7c0d9a11";
    public static final String PIPELINES = "/organizations/" + ORGANIZATION + "/pipelines";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebTestClient web;
    private final LocalStack stack;

    public PipewrightClient(WebTestClient web, LocalStack stack) {
        this.web = web;
        this.stack = stack;
    }

    public JsonNode call(String method, String path, Object body, int expectedStatus) {
        WebTestClient.RequestBodySpec request = web.method(HttpMethod.valueOf(method)).uri(path)
                .headers(PipewrightClient::asAdmin)
                .contentType(MediaType.APPLICATION_JSON);
        WebTestClient.ResponseSpec response = body == null ? request.exchange() : request.bodyValue(body).exchange();
        return read(response.expectStatus().isEqualTo(expectedStatus).expectBody().returnResult().getResponseBody());
    }

    /** The bootstrap admin of the test configuration, with HTTP Basic. */
    private static void asAdmin(HttpHeaders headers) {
        headers.setBasicAuth("test-admin", "test-admin-password");
    }

    public JsonNode get(String path) {
        return call("GET", path, null, 200);
    }

    /** The stack's source PostgreSQL, its pg_hba.conf managed through the file, with the default ssl_mode. */
    public Map<String, Object> source(String name, String zone) {
        return source(name, zone, Map.of());
    }

    /** As {@link #source(String, String)}, with {@code ssl_mode} and, unless null, {@code ca_certificate}. */
    public Map<String, Object> source(String name, String zone, String sslMode, String caCertificate) {
        Map<String, Object> tls = new HashMap<>(Map.of("ssl_mode", sslMode));
        if (caCertificate != null) {
            tls.put("ca_certificate", caCertificate);
        }
        return source(name, zone, tls);
    }

    private Map<String, Object> source(String name, String zone, Map<String, Object> tls) {
        PostgresServer source = stack.source();
        Map<String, Object> postgresql = new HashMap<>(Map.of(
                "hosts", List.of(Map.of("host", source.host(), "port", source.port(), "role", "primary")),
                "admin_user", source.superuser(), "admin_password", source.superuserPassword(),
                "hba_management", "file"));
        postgresql.putAll(tls);
        return Map.of("name", name, "database_type", "postgresql", "version", "17", "zone", zone,
                "postgresql", postgresql);
    }

    /** The stack's Kafka; with the kafka-connect addon at {@code connectUrl} unless it is null. */
    public Map<String, Object> sink(String name, String zone, String connectUrl) {
        Map<String, Object> kafka = new HashMap<>(Map.of("bootstrap_servers", stack.kafka().bootstrapServers()));
        Map<String, Object> registration = new HashMap<>(Map.of("name", name, "database_type", "kafka",
                "zone", zone, "kafka", kafka));
        if (connectUrl != null) {
            Map<String, Object> connect = new HashMap<>(Map.of("url", connectUrl,
                    "secrets_directory", stack.connect().secretsPath().toString()));
            if (connectUrl.equals(stack.connect().restUrl())) {
                connect.put("plugin_installation", "shared_directory");
                connect.put("plugin_path", stack.connect().pluginPath().toString());
            }
            registration.put("addons", List.of("kafka-connect"));
            kafka.put("kafka_connect", connect);
        }
        return registration;
    }

    /**
     * The stack's Kafka as the reference's consumers reach it, through its SASL_PLAINTEXT listener with SCRAM-SHA-256,
     * logging in with {@code password}; with the kafka-connect addon at the stack's worker.
     */
    public Map<String, Object> saslSink(String name, String zone, String password) {
        Map<String, Object> registration = sink(name, zone, stack.connect().restUrl());
        @SuppressWarnings("unchecked")
        Map<String, Object> kafka = (Map<String, Object>) registration.get("kafka");
        kafka.put("bootstrap_servers", stack.kafka().saslBootstrapServers());
        kafka.put("security_protocol", "SASL_PLAINTEXT");
        kafka.put("sasl_mechanism", "SCRAM-SHA-256");
        kafka.put("username", KafkaBroker.SASL_USERNAME);
        kafka.put("password", password);
        return registration;
    }

    public String register(Map<String, Object> service) {
        return call("POST", "/managed-services", service, 202).get("id").asText();
    }

    public void awaitServiceRunning(String serviceId) {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                "Running".equals(get("/managed-services/" + serviceId).get("status").asText()));
    }

    /** Waits for the status; a pipeline that fails while something else is awaited fails the test at once. */
    public JsonNode awaitStatus(String pipelineId, String expected, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(500)).until(() -> {
            JsonNode status = get("/pipelines/" + pipelineId + "/status");
            if ("Failed".equals(status.get("status").asText()) && !"Failed".equals(expected)) {
                throw new AssertionError("pipeline failed: " + status.get("error_message").asText());
            }
            return expected.equals(status.get("status").asText());
        });
        return get("/pipelines/" + pipelineId + "/status");
    }

    /** The types of the pipeline's whole trail, in order: every page of its event history, 1,000 events a page. */
    public List<String> eventTypes(String pipelineId) {
        List<String> types = new ArrayList<>();
        String after = "-1";
        while (after != null) {
            EntityExchangeResult<byte[]> page = web.get()
                    .uri(PIPELINES + "/" + pipelineId + "/events?limit=1000&after_sequence=" + after)
                    .headers(PipewrightClient::asAdmin)
                    .exchange().expectStatus().isOk().expectBody().returnResult();
            read(page.getResponseBody()).forEach(event -> types.add(event.get("type").asText()));
            after = page.getResponseHeaders().getFirst(Page.NEXT_PAGE_TOKEN);
        }
        return types;
    }

    /** Waits for an event of the type in the pipeline's trail; on a timeout, the failure lists the trail as it was. */
    public void awaitEvent(String pipelineId, String type, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                assertThat(eventTypes(pipelineId)).as("the events of pipeline " + pipelineId).contains(type));
    }

    /** Kafka Connect directly: the test's WebTestClient is bound to the control plane. */
    public JsonNode connect(String path) {
        return read(connect(HttpRequest.newBuilder(URI.create(stack.connect().restUrl() + path)).build(), 200));
    }

    /** A call on the Connect worker's API as an operator would make it, past Pipewright ({@code PUT .../pause}). */
    public void connectPut(String path) {
        connect(HttpRequest.newBuilder(URI.create(stack.connect().restUrl() + path))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), 202);
    }

    /** A connector's config replaced on the worker, past Pipewright. */
    public void connectPutJson(String path, String json) {
        connect(HttpRequest.newBuilder(URI.create(stack.connect().restUrl() + path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(), 200);
    }

    private static byte[] connect(HttpRequest request, int expectedStatus) {
        try {
            HttpResponse<byte[]> response = HttpClient.newHttpClient().send(request,
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(expectedStatus);
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode read(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
