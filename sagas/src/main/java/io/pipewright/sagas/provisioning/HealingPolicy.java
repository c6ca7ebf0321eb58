package io.pipewright.sagas.provisioning;

import java.time.Duration;
import java.util.Objects;

/**
 * The control plane's default for how long a failing connector is retried before its pipeline is Failed
 * ({@code pipewright.healing.retry-window}); a pipeline's own {@code config.retry_window_minutes} overrides it. A
 * value the reconciler receives as a handler parameter, so a changed default applies to every pipeline that has none
 * of its own, the ones recorded before the setting existed included.
 */
public record HealingPolicy(Duration retryWindow) {

    public static final Duration DEFAULT_RETRY_WINDOW = Duration.ofHours(1);

    public HealingPolicy {
        Objects.requireNonNull(retryWindow, "retryWindow");
        if (retryWindow.isNegative() || retryWindow.isZero()) {
            throw new IllegalArgumentException("pipewright.healing.retry-window must be positive, not " + retryWindow);
        }
    }
}
