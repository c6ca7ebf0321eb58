package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The connector's or a task's state changed; {@code errorMessage} is null once they all run again. {@code at}: when
 * the change was observed on the worker.
 */
public record ConnectorHealthChanged(UUID pipelineId, String connectorState, List<TaskState> taskStates,
                                     String errorMessage, Instant at) {

    public ConnectorHealthChanged {
        taskStates = taskStates == null ? List.of() : List.copyOf(taskStates);
    }

    public boolean healthy() {
        return ConnectorHealth.healthy(connectorState, taskStates);
    }
}
