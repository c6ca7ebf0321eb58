package io.pipewright.kernel.query;

import io.pipewright.kernel.pipeline.ConnectorHealth;
import io.pipewright.kernel.pipeline.PipelineStatus;
import io.pipewright.kernel.pipeline.TaskState;
import java.time.Instant;
import java.util.List;

/**
 * The status view's {@code health}: one word for whether the pipeline streams as it should. {@code healthy}: nothing
 * is wrong (Pending and Provisioning included). {@code degraded}: Running or Paused, but something is being repaired
 * by itself: a connector or task failed and is restarted within the retry window, or the connector is re-pointed
 * after a failover; {@code error_message} says what, {@code restart_attempts} and {@code next_attempt_at} how far the
 * retries are; or its Kafka Connect worker or its source does not answer the health round (nothing flows, nothing is
 * restarted, and the pipeline is not failed for it). {@code broken}: Failed; it waits for a person
 * ({@code POST .../restart} once the cause is fixed).
 */
public final class PipelineHealth {

    public static final String HEALTHY = "healthy";
    public static final String DEGRADED = "degraded";
    public static final String BROKEN = "broken";

    private PipelineHealth() {
    }

    /**
     * The status view's {@code error_message}: what the pipeline recorded, else, while the health round gets no answer
     * from its source ({@code sourceUnansweredSince}, null while it answers), that.
     */
    public static String errorMessage(String recorded, Instant sourceUnansweredSince) {
        if (recorded != null || sourceUnansweredSince == null) {
            return recorded;
        }
        return "the source did not answer since " + sourceUnansweredSince + "; nothing is measured and nothing may"
                + " stream until it does (the pipeline is not failed for it)";
    }

    /**
     * {@code connectorState} and {@code tasks}: as last recorded (null before the connector was seen). A connector
     * recorded failed, stopped or missing is degraded until a health round records it healthy, the rule the pipeline
     * itself applies when asked to restart, so the view never calls healthy what a restart would still act on.
     */
    public static String of(String status, String errorMessage, String connectorState, List<TaskStateView> tasks) {
        if (PipelineStatus.FAILED.wireName().equals(status)) {
            return BROKEN;
        }
        boolean streaming = PipelineStatus.RUNNING.wireName().equals(status)
                || PipelineStatus.PAUSED.wireName().equals(status);
        boolean connectorUnhealthy = connectorState != null && !ConnectorHealth.healthy(connectorState,
                tasks.stream().map(task -> new TaskState(task.id(), task.state())).toList());
        return streaming && (errorMessage != null || connectorUnhealthy) ? DEGRADED : HEALTHY;
    }
}
