package io.pipewright.kernel.query;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * The reference's status fields ({@code GET /pipelines/{id}/status}), then {@code health}, {@code restart_attempts}
 * and {@code next_attempt_at} (see {@link PipelineHealth}), then {@code retained_wal_bytes} (WAL the slot keeps on the
 * source) and {@code warnings}: conditions that need no action yet but will, e.g. a paused connector's slot retaining
 * WAL.
 */
public record PipelineStatusView(UUID id, String status, String connectorName, String connectorState,
                                 List<TaskStateView> taskStates, Long sourceLagBytes, String topicPrefix,
                                 Instant lastHealthCheckAt, String errorMessage, String health, int restartAttempts,
                                 Instant nextAttemptAt, Long retainedWalBytes, List<String> warnings) {
}
