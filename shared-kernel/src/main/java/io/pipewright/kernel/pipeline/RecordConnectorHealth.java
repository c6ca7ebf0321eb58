package io.pipewright.kernel.pipeline;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * What a health check saw of the connector on the worker, sent only when it differs from what the pipeline last
 * recorded. {@code connectorState} is Connect's ({@code RUNNING}, {@code PAUSED}, {@code FAILED}, ...) or
 * {@link ConnectorHealth#MISSING}; {@code errorMessage} is the failure's trace, without secrets, or null.
 * {@code observedAt}: when the worker was asked (at the latest); a report observed before the last recorded one is
 * outdated and ignored, however late it arrives.
 */
public record RecordConnectorHealth(@TargetAggregateIdentifier UUID pipelineId, String connectorState,
                                    List<TaskState> taskStates, String errorMessage, Instant observedAt) {

    public RecordConnectorHealth {
        taskStates = List.copyOf(taskStates);
        Objects.requireNonNull(observedAt, "observedAt");
    }
}
