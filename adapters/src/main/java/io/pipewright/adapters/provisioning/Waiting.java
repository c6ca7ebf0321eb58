package io.pipewright.adapters.provisioning;

import java.time.Duration;

/** The pause between two looks at something external that takes its time (a worker restart, a walsender ending). */
final class Waiting {

    private Waiting() {
    }

    static void pause(Duration duration, String forWhat) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for " + forWhat, e);
        }
    }
}
