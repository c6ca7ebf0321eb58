package io.pipewright.sagas.health;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;

/**
 * Calls to workers and sources made side by side, at most {@code parallelism} at a time, each awaited at most
 * {@code callTimeout} from its start: one hung node costs its own pipelines a round, never the round or the fleet.
 * The adapters bound every call themselves; this bound is the round's own guarantee that it ends.
 */
final class BoundedCalls implements AutoCloseable {

    /** A call under way, due by {@code dueAtNanos}. */
    static final class Call<T> {

        private final Future<T> future;
        private final long dueAtNanos;

        private Call(Future<T> future, long dueAtNanos) {
            this.future = future;
            this.dueAtNanos = dueAtNanos;
        }
    }

    private final ExecutorService executor;
    private final Duration callTimeout;
    private final Logger log;

    BoundedCalls(String threadName, int parallelism, Duration callTimeout, Logger log) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("pipewright.health.parallelism must be at least 1");
        }
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task, threadName + "-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.executor = Executors.newFixedThreadPool(parallelism, factory);
        this.callTimeout = callTimeout;
        this.log = log;
    }

    <T> Call<T> start(Callable<T> call) {
        return new Call<>(executor.submit(call), System.nanoTime() + callTimeout.toNanos());
    }

    /**
     * The call's result, or {@code fallback}'s when it failed or is still running at its bound (then it is
     * cancelled, and {@code what} is logged: "the Kafka Connect worker of service ...").
     */
    <T> T await(Call<T> call, Supplier<T> fallback, String what) {
        try {
            return call.future.get(Math.max(0, call.dueAtNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            call.future.cancel(true);
            log.warn("{} did not answer within {}; its pipelines are skipped this round", what, callTimeout);
            return fallback.get();
        } catch (CancellationException e) {
            return fallback.get();
        } catch (ExecutionException e) {
            log.warn("{} failed: {}", what, e.getCause().toString());
            return fallback.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.future.cancel(true);
            return fallback.get();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
