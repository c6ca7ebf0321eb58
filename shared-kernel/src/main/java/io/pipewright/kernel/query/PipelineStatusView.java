package io.pipewright.kernel.query;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Exactly the reference's status fields ({@code GET /pipelines/{id}/status}). */
public record PipelineStatusView(UUID id, String status, String connectorName, String connectorState,
                                 List<TaskStateView> taskStates, Long sourceLagBytes, String topicPrefix,
                                 Instant lastHealthCheckAt, String errorMessage) {
}
