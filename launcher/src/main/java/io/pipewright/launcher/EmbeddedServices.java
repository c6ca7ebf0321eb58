package io.pipewright.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.localstack.KafkaBroker;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Registers the embedded source PostgreSQL and Kafka + Connect as managed services through the public API, as a user
 * would (the source with ssl_mode verify-full and the certificate of the authority its TLS certificate comes from;
 * Kafka through its SASL_PLAINTEXT listener with SCRAM-SHA-256, as the reference's consumers reach it), and waits
 * until the control plane has probed them Running, so a pipeline can be created right away. With
 * {@code --keep-data} the services registered by the previous run are found by name instead.
 */
final class EmbeddedServices {

    static final String SOURCE_NAME = "source-postgresql";
    static final String KAFKA_NAME = "kafka";
    static final String ZONE = "local";
    /** The embedded source serves TLS with its own authority: registered as a user verifying their server would. */
    static final String SOURCE_SSL_MODE = "verify-full";
    private static final Duration READY_WITHIN = Duration.ofSeconds(60);

    record Registered(UUID sourceId, UUID kafkaId) {
    }

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final String apiUrl;
    private final String authorization;

    EmbeddedServices(String apiUrl, BootstrapIdentity identity) {
        this.apiUrl = apiUrl;
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (identity.username() + ":" + identity.password()).getBytes(StandardCharsets.UTF_8));
    }

    Registered registerAndAwaitRunning(LocalStack stack) {
        UUID source = findOrRegister(SOURCE_NAME, sourceRegistration(stack.source()));
        UUID kafka = findOrRegister(KAFKA_NAME, kafkaRegistration(stack));
        awaitRunning(source);
        awaitRunning(kafka);
        return new Registered(source, kafka);
    }

    private static Map<String, Object> sourceRegistration(PostgresServer source) {
        return Map.of(
                "name", SOURCE_NAME,
                "database_type", "postgresql",
                "version", String.valueOf(source.majorVersion()),
                "zone", ZONE,
                "postgresql", Map.of(
                        "hosts", List.of(Map.of("host", source.host(), "port", source.port(), "role", "primary")),
                        "admin_database", "postgres",
                        "admin_user", source.superuser(),
                        "admin_password", source.superuserPassword(),
                        "hba_management", "file",
                        "ssl_mode", SOURCE_SSL_MODE,
                        "ca_certificate", source.caCertificatePem()));
    }

    private static Map<String, Object> kafkaRegistration(LocalStack stack) {
        return Map.of(
                "name", KAFKA_NAME,
                "database_type", "kafka",
                "version", "4.3.1",
                "zone", ZONE,
                "addons", List.of("kafka-connect"),
                "kafka", Map.of(
                        "bootstrap_servers", stack.kafka().saslBootstrapServers(),
                        "security_protocol", "SASL_PLAINTEXT",
                        "sasl_mechanism", UpFile.SASL_MECHANISM,
                        "username", KafkaBroker.SASL_USERNAME,
                        "password", stack.kafka().saslPassword(),
                        "kafka_connect", Map.of(
                                "url", stack.connect().restUrl(),
                                "plugin_installation", "shared_directory",
                                "plugin_path", stack.connect().pluginPath().toString(),
                                "secrets_directory", stack.connect().secretsPath().toString())));
    }

    private UUID findOrRegister(String name, Map<String, Object> registration) {
        for (JsonNode service : call("GET", "/managed-services", null, 200)) {
            if (service.get("name").asText().equals(name)) {
                return UUID.fromString(service.get("id").asText());
            }
        }
        return UUID.fromString(call("POST", "/managed-services", registration, 202).get("id").asText());
    }

    private void awaitRunning(UUID serviceId) {
        Instant deadline = Instant.now().plus(READY_WITHIN);
        JsonNode service = call("GET", "/managed-services/" + serviceId, null, 200);
        while (!isRunning(service)) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("service " + service.get("name").asText() + " is still "
                        + service.get("status").asText() + ": " + service.get("status_reason").asText());
            }
            pause();
            service = call("GET", "/managed-services/" + serviceId, null, 200);
        }
    }

    private static boolean isRunning(JsonNode service) {
        if (!"Running".equals(service.get("status").asText())) {
            return false;
        }
        for (JsonNode addon : service.path("addon_status")) {
            if (!"Running".equals(addon.asText())) {
                return false;
            }
        }
        return true;
    }

    private JsonNode call(String method, String path, Object body, int expectedStatus) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(apiUrl + path))
                    .header("Authorization", authorization)
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(body)));
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expectedStatus) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return json.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
