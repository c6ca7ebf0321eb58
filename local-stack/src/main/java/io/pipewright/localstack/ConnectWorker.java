package io.pipewright.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

/**
 * A distributed-mode Kafka Connect worker in its own JVM. Its plugin.path starts empty. A plugin installed while it runs
 * is only seen after a restart, which the control plane (which cannot call this class) requests by creating the marker
 * file {@code <plugin.path>/.restart-requested}: the worker restarts and deletes it.
 */
public final class ConnectWorker implements AutoCloseable {

    public static final String RESTART_MARKER = ".restart-requested";

    private static final System.Logger LOG = System.getLogger(ConnectWorker.class.getName());
    private static final String NAME = "kafka-connect";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);

    private final Path workDirectory;
    private final Path directory;
    private final Path pluginPath;
    private final Path secretsPath;
    private final int port;
    private final String bootstrapServers;
    private final ChildJvm jvm;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final RestartMarkerWatcher restartMarkerWatcher;
    private ChildProcess process;
    private ProcessReaper.Lease reaperLease;

    ConnectWorker(Path workDirectory, int port, String bootstrapServers, ChildJvm jvm) {
        this.workDirectory = workDirectory;
        this.directory = workDirectory.resolve(NAME);
        this.pluginPath = workDirectory.resolve("connect-plugins");
        this.secretsPath = workDirectory.resolve("connect-secrets");
        this.port = port;
        this.bootstrapServers = bootstrapServers;
        this.jvm = jvm;
        this.restartMarkerWatcher = new RestartMarkerWatcher(pluginPath.resolve(RESTART_MARKER), this::restartOnRequest);
    }

    public String restUrl() {
        return "http://" + Ports.LOOPBACK + ":" + port;
    }

    public Path pluginPath() {
        return pluginPath;
    }

    /**
     * Where the worker resolves {@code ${dir:<this path>:<file>}} references in connector configs (Kafka's
     * DirectoryConfigProvider under the alias {@code dir}), so connector passwords stay out of Connect's config topic.
     */
    public Path secretsPath() {
        return secretsPath;
    }

    /** The file whose appearance makes the worker restart. */
    public Path restartMarker() {
        return pluginPath.resolve(RESTART_MARKER);
    }

    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("the Connect worker is not running");
        }
        return process.pid();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public Path logFile() {
        return workDirectory.resolve("logs").resolve(NAME + ".log");
    }

    /** Starts the worker, waits until its REST API answers 200 on /connectors, and starts watching the restart marker. */
    public synchronized void start() {
        if (process != null) {
            return;
        }
        reaperLease = ProcessReaper.acquire(workDirectory);
        try {
            Path configuration = writeConfiguration();
            process = ChildProcess.start(NAME, jvm.command("512m", "org.apache.kafka.connect.cli.ConnectDistributed",
                    configuration.toString()), directory, logFile(), StopSignal.TERM, reaperLease);
            Poll.until("Kafka Connect to answer on " + restUrl() + "/connectors", READY_TIMEOUT, process,
                    () -> status("/connectors") == 200);
            restartMarkerWatcher.start();
            LOG.log(System.Logger.Level.INFO, "Kafka Connect ready on {0} (pid {1,number,#})", restUrl(), process.pid());
        } catch (RuntimeException e) {
            stopProcess();
            throw e;
        }
    }

    /** Stops and starts the worker with the same configuration; it then sees the plugins installed meanwhile. */
    public synchronized void restart() {
        stopProcess();
        start();
    }

    public void stop() {
        restartMarkerWatcher.stop();
        synchronized (this) {
            stopProcess();
        }
    }

    @Override
    public void close() {
        stop();
    }

    private synchronized void restartOnRequest() {
        if (process == null) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "restart of Kafka Connect requested through {0}", restartMarker());
        stopProcess();
        try {
            Files.deleteIfExists(restartMarker());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start();
    }

    private void stopProcess() {
        if (process != null) {
            process.stop(SHUTDOWN_GRACE);
            process = null;
        }
        if (reaperLease != null) {
            reaperLease.close();
            reaperLease = null;
        }
    }

    private int status(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(restUrl() + path)).timeout(Duration.ofSeconds(5)).GET().build();
        return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private Path writeConfiguration() {
        Properties settings = new Properties();
        settings.setProperty("bootstrap.servers", bootstrapServers);
        settings.setProperty("group.id", "pipewright-connect");
        settings.setProperty("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        settings.setProperty("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        settings.setProperty("config.storage.topic", "pipewright-connect-configs");
        settings.setProperty("offset.storage.topic", "pipewright-connect-offsets");
        settings.setProperty("status.storage.topic", "pipewright-connect-status");
        settings.setProperty("config.storage.replication.factor", "1");
        settings.setProperty("offset.storage.replication.factor", "1");
        settings.setProperty("status.storage.replication.factor", "1");
        settings.setProperty("offset.storage.partitions", "1");
        settings.setProperty("status.storage.partitions", "1");
        settings.setProperty("offset.flush.interval.ms", "1000");
        settings.setProperty("listeners", restUrl());
        settings.setProperty("rest.advertised.host.name", Ports.LOOPBACK);
        settings.setProperty("rest.advertised.port", Integer.toString(port));
        settings.setProperty("plugin.path", pluginPath.toString());
        settings.setProperty("config.providers", "dir");
        settings.setProperty("config.providers.dir.class",
                "org.apache.kafka.common.config.provider.DirectoryConfigProvider");
        settings.setProperty("config.providers.dir.param.allowed.paths", secretsPath.toString());
        // Scanning jars for plugins (the default) takes seconds; Debezium registers its connectors as services.
        settings.setProperty("plugin.discovery", "service_load");
        try {
            Files.createDirectories(directory);
            Files.createDirectories(pluginPath);
            Files.createDirectories(secretsPath);
            Path file = directory.resolve("worker.properties");
            try (var writer = Files.newBufferedWriter(file)) {
                settings.store(writer, "distributed Connect worker of the pipewright local stack");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
