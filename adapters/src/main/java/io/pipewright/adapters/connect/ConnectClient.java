package io.pipewright.adapters.connect;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.ChannelOption;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.adapters.tls.RegisteredCa;
import io.pipewright.kernel.pipeline.TaskState;
import io.pipewright.kernel.policy.EndpointPolicy;
import io.pipewright.kernel.secret.SecretVault;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * The Kafka Connect REST API, for the reconciler's steps, the health round and the probe. Blocking, and bounded as
 * {@code pipewright.external.*} says: the connection, the whole answer (however the worker trickles it) and its size,
 * so a worker's oversized listing is an error for that worker, never an OutOfMemoryError. Callers are saga and task
 * threads, never the event loop. Every request's worker is checked against the endpoint policy first. A worker that
 * needs them gets its registered Basic credentials and is verified against its registered CA.
 */
@Component
public class ConnectClient {

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

    /** TLS clients per registered CA, a few per control plane; the least recently used goes beyond this many. */
    private static final int CLIENTS_BY_CA = 64;

    private final WebClient.Builder builder;
    private final EndpointPolicy endpoints;
    private final ExternalCallLimits limits;
    private final SecretVault vault;
    private final WebClient http;
    private final Map<String, WebClient> byCa = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, WebClient> eldest) {
            return size() > CLIENTS_BY_CA;
        }
    };

    /**
     * A worker's listing with status and config runs to 1–3 KiB per connector, so the default 16 MB holds thousands;
     * Spring's default of 256 KiB would refuse it from a few hundred connectors on. A worker's Basic credentials come
     * from the vault for each request; an https worker is verified against its registered CA, or the JVM's trusted
     * CAs without one, and must name the host it is reached at.
     */
    public ConnectClient(WebClient.Builder http, EndpointPolicy endpoints, ExternalCallLimits limits,
                         SecretVault vault) {
        this.builder = http;
        this.endpoints = endpoints;
        this.limits = limits;
        this.vault = vault;
        this.http = client(null);
    }

    private WebClient client(String caCertificate) {
        HttpClient client = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) limits.connectTimeout().toMillis())
                .option(ChannelOption.SO_KEEPALIVE, limits.tcpKeepAlive())
                .responseTimeout(limits.connectResponseTimeout());
        if (caCertificate != null) {
            SslContext trusting;
            try {
                trusting = SslContextBuilder.forClient()
                        .trustManager(RegisteredCa.certificates(caCertificate).toArray(X509Certificate[]::new))
                        .build();
            } catch (SSLException e) {
                throw new IllegalStateException("cannot build a TLS context from the registered CA certificate", e);
            }
            client = client.secure(tls -> tls.sslContext(trusting)
                    .handshakeTimeout(limits.connectResponseTimeout()));
        }
        return builder.clone().clientConnector(new ReactorClientHttpConnector(client))
                .codecs(codecs -> codecs.defaultCodecs()
                        .maxInMemorySize((int) limits.connectMaxResponseSize().toBytes()))
                .filter(EndpointCheck.before(endpoints))
                .build();
    }

    private WebClient http(KafkaConnectEndpoint worker) {
        if (worker.caCertificate() == null) {
            return http;
        }
        synchronized (byCa) {
            return byCa.computeIfAbsent(worker.caCertificate(), this::client);
        }
    }

    /** A request to {@code worker} at {@code path} (a URI template), with the worker's credentials. */
    private WebClient.RequestBodySpec request(KafkaConnectEndpoint worker, HttpMethod method, String path,
                                              Object... variables) {
        return http(worker).method(method).uri(worker.url() + path, variables).headers(headers -> {
            if (worker.hasCredentials()) {
                headers.setBasicAuth(worker.username(), vault.reveal(worker.password()).value(),
                        StandardCharsets.UTF_8);
            }
        });
    }

    /**
     * The worker answers as Kafka Connect ({@code GET /} says its version); throws {@link ConnectCallFailed} with what
     * went wrong otherwise.
     */
    public void ping(KafkaConnectEndpoint worker) {
        JsonNode root;
        try {
            root = call(worker, request(worker, HttpMethod.GET, "/").retrieve().bodyToMono(JsonNode.class));
        } catch (WebClientResponseException e) {
            throw new ConnectCallFailed(worker.url() + " answered HTTP " + e.getStatusCode().value()
                    + " to GET /: not a Kafka Connect REST API", e);
        }
        if (root == null || !root.hasNonNull("version")) {
            throw new ConnectCallFailed(worker.url() + " did not answer as a Kafka Connect REST API", null);
        }
    }

    /** One request, its whole answer within the response timeout; a failure in words ({@link ConnectCallFailed}). */
    private <T> T call(KafkaConnectEndpoint worker, Mono<T> request) {
        try {
            return request.timeout(limits.connectResponseTimeout()).block();
        } catch (RuntimeException e) {
            ConnectCallFailed failure = ConnectCallFailed.of(e, worker, limits);
            if (failure != null) {
                throw failure;
            }
            throw e;
        }
    }

    public List<String> pluginClasses(KafkaConnectEndpoint worker) {
        JsonNode plugins = call(worker, request(worker, HttpMethod.GET, "/connector-plugins").retrieve()
                .bodyToMono(JsonNode.class));
        List<String> classes = new ArrayList<>();
        plugins.forEach(plugin -> classes.add(plugin.get("class").asText()));
        return classes;
    }

    public Optional<Map<String, String>> config(KafkaConnectEndpoint worker, String connector) {
        try {
            return Optional.ofNullable(call(worker, request(worker, HttpMethod.GET, "/connectors/{name}/config",
                    connector).retrieve().bodyToMono(new ParameterizedTypeReference<Map<String, String>>() {
                    })));
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
    public void create(KafkaConnectEndpoint worker, String connector, Map<String, String> config,
                       String initialState) {
        try {
            call(worker, request(worker, HttpMethod.POST, "/connectors").bodyValue(Map.of("name", connector,
                    "config", config, "initial_state", initialState)).retrieve().toBodilessEntity());
        } catch (WebClientResponseException e) {
            throw new IllegalStateException("Kafka Connect refused to create " + connector + " ("
                    + e.getStatusCode().value() + "): " + withoutSecrets(reason(e), config), e);
        }
    }

    /** Every connector of the worker with its status and its configuration, in one request. */
    public Map<String, JsonNode> connectorsWithStatusAndConfig(KafkaConnectEndpoint worker) {
        JsonNode all = call(worker, request(worker, HttpMethod.GET, "/connectors?expand=status&expand=info")
                .retrieve().bodyToMono(JsonNode.class));
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        all.fields().forEachRemaining(entry -> byName.put(entry.getKey(), entry.getValue()));
        return byName;
    }

    public void pause(KafkaConnectEndpoint worker, String connector) {
        call(worker, request(worker, HttpMethod.PUT, "/connectors/{name}/pause", connector).retrieve()
                .toBodilessEntity());
    }

    public void resume(KafkaConnectEndpoint worker, String connector) {
        call(worker, request(worker, HttpMethod.PUT, "/connectors/{name}/resume", connector).retrieve()
                .toBodilessEntity());
    }

    /** Restarts the connector and its tasks, or with {@code onlyFailed} just those that FAILED (KIP-745). */
    public void restart(KafkaConnectEndpoint worker, String connector, boolean onlyFailed) {
        call(worker, request(worker, HttpMethod.POST,
                "/connectors/{name}/restart?includeTasks=true&onlyFailed={onlyFailed}", connector, onlyFailed)
                .retrieve().toBodilessEntity());
    }

    /** Creates the connector or replaces its configuration; Connect restarts it with the new one. */
    public void putConfig(KafkaConnectEndpoint worker, String connector, Map<String, String> config) {
        try {
            call(worker, request(worker, HttpMethod.PUT, "/connectors/{name}/config", connector).bodyValue(config)
                    .retrieve().toBodilessEntity());
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
    public Map<String, List<String>> validate(KafkaConnectEndpoint worker, String connectorClass,
                                              Map<String, String> config) {
        JsonNode result = call(worker, request(worker, HttpMethod.PUT,
                "/connector-plugins/{plugin}/config/validate", connectorClass)
                .bodyValue(config).retrieve().bodyToMono(JsonNode.class));
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
    public void stop(KafkaConnectEndpoint worker, String connector) {
        ignoreNotFound(() -> call(worker, request(worker, HttpMethod.PUT, "/connectors/{name}/stop", connector)
                .retrieve().toBodilessEntity()));
    }

    /** Removes the committed offsets, so a later connector of the same name starts afresh. */
    public void deleteOffsets(KafkaConnectEndpoint worker, String connector) {
        ignoreNotFound(() -> call(worker, request(worker, HttpMethod.DELETE, "/connectors/{name}/offsets",
                connector).retrieve().toBodilessEntity()));
    }

    public void delete(KafkaConnectEndpoint worker, String connector) {
        ignoreNotFound(() -> call(worker, request(worker, HttpMethod.DELETE, "/connectors/{name}", connector)
                .retrieve().toBodilessEntity()));
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

    public Optional<ConnectorStatus> status(KafkaConnectEndpoint worker, String connector) {
        JsonNode status;
        try {
            status = call(worker, request(worker, HttpMethod.GET, "/connectors/{name}/status", connector).retrieve()
                    .bodyToMono(JsonNode.class));
        } catch (WebClientResponseException e) {
            if (e.getStatusCode() == HttpStatus.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        return Optional.of(ConnectorStatus.of(status));
    }
}
