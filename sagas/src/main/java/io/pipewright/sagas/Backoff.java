package io.pipewright.sagas;

import java.time.Duration;

/** Retry delays of the sagas: 1 s, 2 s, 4 s ... capped. */
public final class Backoff {

    private Backoff() {
    }

    /** The delay before retry number {@code attempt} (1-based). */
    public static Duration exponential(int attempt, Duration max) {
        long seconds = 1L << Math.min(Math.max(attempt - 1, 0), 20);
        return Duration.ofSeconds(Math.min(seconds, max.toSeconds()));
    }
}
