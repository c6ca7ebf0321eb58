package io.pipewright.sagas.health;

import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.pipeline.TaskState;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import java.util.List;
import java.util.Map;

/** Every connector of one Kafka Connect worker (cluster) in one request, so a round costs one call per worker. */
public interface WorkerObserver {

    /**
     * A connector's state, its tasks, the first failure's trace without secrets, where it points, and its config as
     * the worker holds it (secrets only as the references the worker resolves; empty when not listed).
     */
    record ConnectorSnapshot(String state, List<TaskState> tasks, String errorMessage, SourceNode connectedTo,
                             Map<String, String> config) {

        public ConnectorSnapshot {
            tasks = List.copyOf(tasks);
            config = Map.copyOf(config);
        }

        /** A snapshot without a config. */
        public ConnectorSnapshot(String state, List<TaskState> tasks, String errorMessage, SourceNode connectedTo) {
            this(state, tasks, errorMessage, connectedTo, Map.of());
        }
    }

    Map<String, ConnectorSnapshot> connectors(KafkaConnectEndpoint worker);
}
