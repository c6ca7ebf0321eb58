package io.pipewright.localstack;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An OS process started by this library. It runs in its own session (setsid) so that Ctrl-C in a terminal reaches only
 * the owning JVM, which then stops the stack in order; its output is appended to a log file; the reaper knows it.
 */
final class ChildProcess {

    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final String name;
    private final Process process;
    private final Path logFile;
    private final StopSignal stopSignal;
    private final ProcessReaper.Lease reaper;

    private ChildProcess(String name, Process process, Path logFile, StopSignal stopSignal, ProcessReaper.Lease reaper) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        this.stopSignal = stopSignal;
        this.reaper = reaper;
    }

    static ChildProcess start(String name, List<String> command, Path workingDirectory, Path logFile,
                              StopSignal stopSignal, ProcessReaper.Lease reaper) {
        List<String> inOwnSession = new ArrayList<>();
        inOwnSession.add("setsid");
        inOwnSession.addAll(command);
        try {
            Files.createDirectories(logFile.getParent());
            Process process = new ProcessBuilder(inOwnSession)
                    .directory(workingDirectory.toFile())
                    .redirectInput(Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(Redirect.appendTo(logFile.toFile()))
                    .start();
            reaper.watch(process.pid(), stopSignal);
            return new ChildProcess(name, process, logFile, stopSignal, reaper);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Runs a short-lived command (initdb, storage format) to its end and fails unless it exits with 0. */
    static void run(String name, List<String> command, Path workingDirectory, Path logFile, Duration timeout,
                    ProcessReaper.Lease reaper) {
        ChildProcess child = start(name, command, workingDirectory, logFile, StopSignal.TERM, reaper);
        try {
            if (!child.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                child.stop(Duration.ofSeconds(5));
                throw new IllegalStateException(name + " did not finish within " + timeout.toSeconds() + " s; see " + logFile);
            }
        } catch (InterruptedException e) {
            child.stop(Duration.ofSeconds(5));
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + name, e);
        }
        child.reaper.forget(child.pid());
        if (child.process.exitValue() != 0) {
            throw new IllegalStateException(child.describeExit());
        }
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String describeExit() {
        return name + " exited with code " + process.exitValue() + "; see " + logFile;
    }

    /** Sends the stop signal, waits up to {@code grace} for the exit, then kills. Returns at once if already gone. */
    void stop(Duration grace) {
        if (process.isAlive()) {
            signal(stopSignal.name());
            if (!awaitExit(grace)) {
                process.destroyForcibly();
                awaitExit(KILL_WAIT);
            }
        }
        reaper.forget(process.pid());
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping " + name, e);
        }
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(process.pid()))
                    .redirectErrorStream(true)
                    .redirectOutput(Redirect.DISCARD)
                    .start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot signal " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while signalling " + name, e);
        }
    }
}
