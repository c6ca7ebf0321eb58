package io.pipewright.localstack;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

/** Waits for a condition of a starting or changing server, giving up early when its process has exited. */
final class Poll {

    private static final Duration INTERVAL = Duration.ofMillis(100);

    private Poll() {
    }

    static <T> T until(String what, Duration timeout, ChildProcess process, Callable<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception lastFailure = null;
        while (true) {
            try {
                Optional<T> result = probe.call();
                if (result.isPresent()) {
                    return result.get();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + what, e);
            } catch (Exception e) {
                lastFailure = e;
            }
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException(what + ": " + process.describeExit(), lastFailure);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what, lastFailure);
            }
            pause();
        }
    }

    static void until(String what, Duration timeout, ChildProcess process, CheckedCondition condition) {
        until(what, timeout, process, () -> condition.holds() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    private static void pause() {
        try {
            Thread.sleep(INTERVAL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting", e);
        }
    }

    @FunctionalInterface
    interface CheckedCondition {
        boolean holds() throws Exception;
    }
}
