package io.pipewright.adapters.connect;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.kernel.pipeline.TaskState;
import io.pipewright.kernel.policy.EndpointPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * The Kafka Connect REST API, for the reconciler's steps. Blocking with bounded timeouts: callers are saga threads,
 * never the event loop.
 */
@Component
public class ConnectClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    public record ConnectorStatus(String state, String trace, List<TaskState> tasks, List<String> taskTraces) {

        /** From Connect's status document ({@code GET /connectors/x/status}, or {@code status} when expanded). */
        public static ConnectorStatus of(JsonNode status) {
            List<TaskState> tasks = new ArrayList<>();
            List<String> traces = new ArrayList<>();
            status.path("tasks").forEach(task -> {
                tasks.add(new TaskState(task.get("id").asInt(), task.get("state").asText()));
                if (task.hasNonNull("trace")) {
                    traces.add(task.get("trace").asText());
                }
            });
            JsonNode connector = status.path("connector");
            return new ConnectorStatus(connector.path("state").asText(),
                    connector.hasNonNull("trace") ? connector.get("trace").asText() : null, tasks, traces);
        }

        /** The first trace: the connector's own, else the first failed task's. */
        public String firstTrace() {
            return trace != null ? trace : taskTraces.isEmpty() ? null : taskTraces.get(0);
        }
    }

    /**
     * A worker's listing with status and config runs to about 1 KiB per connector: Spring's default 256 KiB would
     * refuse it from a few hundred connectors on.
     */
    private static final int MAX_RESPONSE_BYTES = 64 * 1024 * 1024;

    private final WebClient http;

    ConnectClient(WebClient.Builder http, EndpointPolicy endpoints) {
        this.http = http.codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(MAX_RESPONSE_BYTES))
                .filter(EndpointCheck.before(endpoints)).build();
    }

    public List<String> pluginClasses(String connectUrl) {
        JsonNode plugins = http.get().uri(connectUrl + "/connector-plugins").retrieve()
                .bodyToMono(JsonNode.class).block(TIMEOUT);
        List<String> classes = new ArrayList<>();
        plugins.forEach(plugin -> classes.add(plugin.get("class").asText()));
        return classes;
    }

    public Optional<Map<String, String>> config(String connectUrl, String connector) {
        try {
            return Optional.ofNullable(http.get().uri(connectUrl + "/connectors/{name}/config", connector).retrieve()
                    .bodyToMono(new ParameterizedTypeReference<Map<String, String>>() {
                    }).block(TIMEOUT));
        } catch (WebClientResponseException e) {
            if (e.getStatusCode() == HttpStatus.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Creates the connector in {@code initialState} ({@code RUNNING} or {@code PAUSED}, KIP-980), so a connector that
     * should be paused never streams a row.
     */
    public void create(String connectUrl, String connector, Map<String, String> config, String initialState) {
        try {
            http.post().uri(connectUrl + "/connectors").bodyValue(Map.of("name", connector, "config", config,
                    "initial_state", initialState)).retrieve().toBodilessEntity().block(TIMEOUT);
        } catch (WebClientResponseException e) {
            throw new IllegalStateException("Kafka Connect refused to create " + connector + " ("
                    + e.getStatusCode().value() + "): " + withoutSecrets(reason(e), config), e);
        }
    }

    /** Every connector of the worker with its status and its configuration, in one request. */
    public Map<String, JsonNode> connectorsWithStatusAndConfig(String connectUrl) {
        JsonNode all = http.get().uri(connectUrl + "/connectors?expand=status&expand=info").retrieve()
                .bodyToMono(JsonNode.class).block(TIMEOUT);
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        all.fields().forEachRemaining(entry -> byName.put(entry.getKey(), entry.getValue()));
        return byName;
    }

    public void pause(String connectUrl, String connector) {
        http.put().uri(connectUrl + "/connectors/{name}/pause", connector).retrieve().toBodilessEntity()
                .block(TIMEOUT);
    }

    public void resume(String connectUrl, String connector) {
        http.put().uri(connectUrl + "/connectors/{name}/resume", connector).retrieve().toBodilessEntity()
                .block(TIMEOUT);
    }

    /** Restarts the connector and its tasks, or with {@code onlyFailed} just those that FAILED (KIP-745). */
    public void restart(String connectUrl, String connector, boolean onlyFailed) {
        http.post().uri(connectUrl + "/connectors/{name}/restart?includeTasks=true&onlyFailed={onlyFailed}", connector,
                onlyFailed).retrieve().toBodilessEntity().block(TIMEOUT);
    }

    /** Creates the connector or replaces its configuration; Connect restarts it with the new one. */
    public void putConfig(String connectUrl, String connector, Map<String, String> config) {
        try {
            http.put().uri(connectUrl + "/connectors/{name}/config", connector).bodyValue(config).retrieve()
                    .toBodilessEntity().block(TIMEOUT);
        } catch (WebClientResponseException e) {
            throw new IllegalStateException("Kafka Connect refused the configuration of " + connector + " ("
                    + e.getStatusCode().value() + "): " + withoutSecrets(reason(e), config), e);
        }
    }

    /** Connect's own explanation, e.g. which configuration check failed on the worker. */
    private static String reason(WebClientResponseException e) {
        try {
            JsonNode body = e.getResponseBodyAs(JsonNode.class);
            if (body != null && body.hasNonNull("message")) {
                return body.get("message").asText();
            }
        } catch (RuntimeException unreadable) {
            return e.getStatusText();
        }
        return e.getStatusText();
    }

    private static String withoutSecrets(String message, Map<String, String> config) {
        String safe = message;
        for (Map.Entry<String, String> entry : config.entrySet()) {
            if (entry.getKey().contains("password") && !entry.getValue().isEmpty()) {
                safe = safe.replace(entry.getValue(), "[hidden]");
            }
        }
        return safe;
    }

    /**
     * Connect's validation of a connector configuration ({@code PUT /connector-plugins/{class}/config/validate}):
     * the error messages by configuration key. The worker itself runs the plugin's checks, e.g. a connection attempt.
     */
    public Map<String, List<String>> validate(String connectUrl, String connectorClass, Map<String, String> config) {
        JsonNode result = http.put().uri(connectUrl + "/connector-plugins/{plugin}/config/validate", connectorClass)
                .bodyValue(config).retrieve().bodyToMono(JsonNode.class).block(TIMEOUT);
        Map<String, List<String>> errors = new LinkedHashMap<>();
        result.path("configs").forEach(entry -> {
            List<String> messages = new ArrayList<>();
            entry.path("value").path("errors").forEach(error -> messages.add(error.asText()));
            if (!messages.isEmpty()) {
                errors.put(entry.path("value").path("name").asText(), messages);
            }
        });
        return errors;
    }

    /** Stops the connector's tasks but keeps its config, so its offsets can be deleted (KIP-875). */
    public void stop(String connectUrl, String connector) {
        ignoreNotFound(() -> http.put().uri(connectUrl + "/connectors/{name}/stop", connector).retrieve()
                .toBodilessEntity().block(TIMEOUT));
    }

    /** Removes the committed offsets, so a later connector of the same name starts afresh. */
    public void deleteOffsets(String connectUrl, String connector) {
        ignoreNotFound(() -> http.delete().uri(connectUrl + "/connectors/{name}/offsets", connector).retrieve()
                .toBodilessEntity().block(TIMEOUT));
    }

    public void delete(String connectUrl, String connector) {
        ignoreNotFound(() -> http.delete().uri(connectUrl + "/connectors/{name}", connector).retrieve()
                .toBodilessEntity().block(TIMEOUT));
    }

    private static void ignoreNotFound(Runnable call) {
        try {
            call.run();
        } catch (WebClientResponseException e) {
            if (e.getStatusCode() != HttpStatus.NOT_FOUND) {
                throw e;
            }
        }
    }

    public Optional<ConnectorStatus> status(String connectUrl, String connector) {
        JsonNode status;
        try {
            status = http.get().uri(connectUrl + "/connectors/{name}/status", connector).retrieve()
                    .bodyToMono(JsonNode.class).block(TIMEOUT);
        } catch (WebClientResponseException e) {
            if (e.getStatusCode() == HttpStatus.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(ConnectorStatus.of(status));
    }
}
