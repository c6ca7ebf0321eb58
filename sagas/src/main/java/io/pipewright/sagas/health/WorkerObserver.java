package io.pipewright.sagas.health;

import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.pipeline.TaskState;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import java.util.List;
import java.util.Map;

/** Every connector of one Kafka Connect worker (cluster) in one request, so a round costs one call per worker. */
public interface WorkerObserver {

    /** A connector's state, its tasks, the first failure's trace without secrets, and where it points. */
    record ConnectorSnapshot(String state, List<TaskState> tasks, String errorMessage, SourceNode connectedTo) {

        public ConnectorSnapshot {
            tasks = List.copyOf(tasks);
        }
    }

    Map<String, ConnectorSnapshot> connectors(KafkaConnectEndpoint worker);
}
