package io.pipewright.kernel.query;

import io.pipewright.kernel.pipeline.PipelineStatus;

/**
 * The status view's {@code health}: one word for whether the pipeline streams as it should. {@code healthy}: nothing
 * is wrong (Pending and Provisioning included). {@code degraded}: Running or Paused, but something is being repaired
 * by itself: a connector or task failed and is restarted within the retry window, or the connector is re-pointed
 * after a failover; {@code error_message} says what, {@code restart_attempts} and {@code next_attempt_at} how far the
 * retries are. {@code broken}: Failed; it waits for a person ({@code POST .../restart} once the cause is fixed).
 */
public final class PipelineHealth {

    public static final String HEALTHY = "healthy";
    public static final String DEGRADED = "degraded";
    public static final String BROKEN = "broken";

    private PipelineHealth() {
    }

    public static String of(String status, String errorMessage) {
        if (PipelineStatus.FAILED.wireName().equals(status)) {
            return BROKEN;
        }
        boolean streaming = PipelineStatus.RUNNING.wireName().equals(status)
                || PipelineStatus.PAUSED.wireName().equals(status);
        return streaming && errorMessage != null ? DEGRADED : HEALTHY;
    }
}
