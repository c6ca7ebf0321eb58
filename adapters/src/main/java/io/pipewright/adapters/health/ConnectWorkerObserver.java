package io.pipewright.adapters.health;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.adapters.connect.ConnectClient;
import io.pipewright.adapters.connect.ConnectorTraces;
import io.pipewright.adapters.provisioning.ConnectorCredentials;
import io.pipewright.kernel.pipeline.ConnectorHealth;
import io.pipewright.kernel.pipeline.ResourceNames;
import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.sagas.health.WorkerObserver;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/** {@code GET /connectors?expand=status&expand=info}: every connector's status and config in one request. */
@Component
class ConnectWorkerObserver implements WorkerObserver {

    private final ConnectClient connect;
    private final ConnectorCredentials credentials;

    ConnectWorkerObserver(ConnectClient connect, ConnectorCredentials credentials) {
        this.connect = connect;
        this.credentials = credentials;
    }

    @Override
    public Map<String, ConnectorSnapshot> connectors(KafkaConnectEndpoint worker) {
        Map<String, ConnectorSnapshot> snapshots = new LinkedHashMap<>();
        connect.connectorsWithStatusAndConfig(worker).forEach((name, expanded) -> {
            ConnectClient.ConnectorStatus status = ConnectClient.ConnectorStatus.of(expanded.path("status"));
            JsonNode config = expanded.path("info").path("config");
            String error = ConnectorHealth.healthy(status.state(), status.tasks()) ? null
                    : ConnectorTraces.excerpt(status.firstTrace(), passwordOf(config));
            snapshots.put(name, new ConnectorSnapshot(status.state(), status.tasks(), error, connectedTo(config),
                    texts(config)));
        });
        return snapshots;
    }

    /** The config holds only a reference to the password: the vault has it, under the pipeline its slot names. */
    private String passwordOf(JsonNode config) {
        return ResourceNames.pipelineIdOfSourceResource(config.path("slot.name").asText(null))
                .flatMap(credentials::existing).orElse(null);
    }

    /** The config's values as the worker holds them: secrets only as references, which the drift check compares. */
    private static Map<String, String> texts(JsonNode config) {
        Map<String, String> texts = new LinkedHashMap<>();
        config.fields().forEachRemaining(field -> {
            if (field.getValue().isValueNode()) {
                texts.put(field.getKey(), field.getValue().asText());
            }
        });
        return texts;
    }

    private static SourceNode connectedTo(JsonNode config) {
        if (!config.hasNonNull("database.hostname") || !config.hasNonNull("database.port")) {
            return null;
        }
        return new SourceNode(config.get("database.hostname").asText(), config.get("database.port").asInt());
    }
}
