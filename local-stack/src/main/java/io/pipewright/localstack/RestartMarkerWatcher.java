package io.pipewright.localstack;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Polls for a marker file on one daemon thread and runs an action when it appears (the action removes the marker). */
final class RestartMarkerWatcher {

    private static final System.Logger LOG = System.getLogger(RestartMarkerWatcher.class.getName());
    private static final Duration INTERVAL = Duration.ofMillis(500);

    private final Path marker;
    private final Runnable onMarker;
    private Thread thread;

    RestartMarkerWatcher(Path marker, Runnable onMarker) {
        this.marker = marker;
        this.onMarker = onMarker;
    }

    synchronized void start() {
        if (thread != null) {
            return;
        }
        thread = new Thread(this::watch, "restart-marker-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops watching, interrupting a restart in progress; never called from the watching thread itself. */
    void stop() {
        Thread watching;
        synchronized (this) {
            watching = thread;
            thread = null;
        }
        if (watching == null || watching == Thread.currentThread()) {
            return;
        }
        watching.interrupt();
        try {
            watching.join(Duration.ofSeconds(30).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void watch() {
        while (!Thread.currentThread().isInterrupted()) {
            if (Files.exists(marker)) {
                try {
                    onMarker.run();
                } catch (RuntimeException e) {
                    if (Thread.currentThread().isInterrupted()) {
                        return;
                    }
                    LOG.log(System.Logger.Level.ERROR, "restart requested through " + marker + " failed", e);
                }
            }
            try {
                Thread.sleep(INTERVAL.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
