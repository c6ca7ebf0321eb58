package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

public record PipelineRunning(UUID pipelineId, String connectorState, List<TaskState> taskStates, Instant at) {

    public PipelineRunning {
        taskStates = taskStates == null ? List.of() : List.copyOf(taskStates);
    }
}
