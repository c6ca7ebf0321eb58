package io.pipewright.kernel.pipeline;

import java.util.List;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** The connector exists and was seen in its desired state: RUNNING, or PAUSED for a pipeline created paused. */
public record CompleteProvisioning(@TargetAggregateIdentifier UUID pipelineId, String connectorState,
                                   List<TaskState> taskStates) {

    public CompleteProvisioning {
        taskStates = List.copyOf(taskStates);
    }
}
