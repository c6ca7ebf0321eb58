package io.pipewright.kernel.pipeline;

import java.util.List;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * What a health check saw of the connector on the worker, sent only when it differs from what the pipeline last
 * recorded. {@code connectorState} is Connect's ({@code RUNNING}, {@code PAUSED}, {@code FAILED}, ...) or
 * {@link ConnectorHealth#MISSING}; {@code errorMessage} is the failure's trace, without secrets, or null.
 */
public record RecordConnectorHealth(@TargetAggregateIdentifier UUID pipelineId, String connectorState,
                                    List<TaskState> taskStates, String errorMessage) {

    public RecordConnectorHealth {
        taskStates = List.copyOf(taskStates);
    }
}
