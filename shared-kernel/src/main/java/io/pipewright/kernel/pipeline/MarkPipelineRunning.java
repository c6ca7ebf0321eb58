package io.pipewright.kernel.pipeline;

import java.util.List;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The connector and its tasks were seen RUNNING. */
public record MarkPipelineRunning(@TargetAggregateIdentifier UUID pipelineId, String connectorState,
                                  List<TaskState> taskStates) {

    public MarkPipelineRunning {
        taskStates = List.copyOf(taskStates);
    }
}
