package io.pipewright.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small bash process (reaper.sh) that stops this JVM's children when the JVM dies without stopping them, e.g. on
 * SIGKILL: it learns each child's pid and stop signal through its stdin and acts when that pipe reaches end of input.
 * One runs while anything holds a lease: a stack holds one for its lifetime, each running server holds its own.
 */
final class ProcessReaper {

    private static final System.Logger LOG = System.getLogger(ProcessReaper.class.getName());
    private static final String SCRIPT_RESOURCE = "reaper.sh";
    private static final Object LOCK = new Object();
    private static ProcessReaper running;

    private final Process process;
    private final Writer commands;
    private int leases;

    private ProcessReaper(Process process) {
        this.process = process;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
    }

    static Lease acquire(Path workDirectory) {
        synchronized (LOCK) {
            if (running == null || !running.process.isAlive()) {
                running = start(workDirectory);
            }
            running.leases++;
            return new Lease(running);
        }
    }

    private static ProcessReaper start(Path workDirectory) {
        try {
            Path script = workDirectory.resolve(SCRIPT_RESOURCE);
            Path logFile = workDirectory.resolve("logs").resolve("reaper.log");
            Files.createDirectories(logFile.getParent());
            try (InputStream in = ProcessReaper.class.getResourceAsStream(SCRIPT_RESOURCE)) {
                Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
            }
            Process process = new ProcessBuilder(List.of("setsid", "bash", script.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(logFile.toFile()))
                    .start();
            return new ProcessReaper(process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the process reaper", e);
        }
    }

    private synchronized void send(String line) {
        try {
            commands.write(line);
            commands.write('\n');
            commands.flush();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "the process reaper (pid {0}) is gone: children may outlive a killed JVM",
                    process.pid());
        }
    }

    private void release() {
        synchronized (LOCK) {
            leases--;
            if (leases > 0) {
                return;
            }
            if (running == this) {
                running = null;
            }
        }
        try {
            commands.close();
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A holder's claim on the running reaper; closing the last lease ends the reaper (nothing is left to reap). */
    static final class Lease implements AutoCloseable {

        private final ProcessReaper reaper;
        private boolean closed;

        private Lease(ProcessReaper reaper) {
            this.reaper = reaper;
        }

        void watch(long pid, StopSignal signal) {
            reaper.send(pid + " " + signal.name());
        }

        void forget(long pid) {
            reaper.send("-" + pid);
        }

        long pid() {
            return reaper.process.pid();
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            reaper.release();
        }
    }
}
