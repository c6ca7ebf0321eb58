package io.pipewright.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;

/** A single-node KRaft Kafka (broker and controller in one JVM) on 127.0.0.1. */
public final class KafkaBroker implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(KafkaBroker.class.getName());
    private static final String NAME = "kafka";
    private static final Duration FORMAT_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);

    private final Path workDirectory;
    private final Path directory;
    private final int port;
    private final int controllerPort;
    private final ChildJvm jvm;
    private ChildProcess process;
    private ProcessReaper.Lease reaperLease;

    KafkaBroker(Path workDirectory, int port, int controllerPort, ChildJvm jvm) {
        this.workDirectory = workDirectory;
        this.directory = workDirectory.resolve(NAME);
        this.port = port;
        this.controllerPort = controllerPort;
        this.jvm = jvm;
    }

    public String bootstrapServers() {
        return Ports.LOOPBACK + ":" + port;
    }

    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("the Kafka broker is not running");
        }
        return process.pid();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    public Path logFile() {
        return workDirectory.resolve("logs").resolve(NAME + ".log");
    }

    /** Starts the broker (formatting its storage the first time) and waits until it answers a describeCluster. */
    public synchronized void start() {
        if (process != null) {
            return;
        }
        reaperLease = ProcessReaper.acquire(workDirectory);
        try {
            Path configuration = writeConfiguration();
            if (!Files.exists(dataDirectory().resolve("meta.properties"))) {
                ChildProcess.run(NAME + "-storage-format", jvm.command("256m", "kafka.tools.StorageTool",
                                "format", "--cluster-id", Uuid.randomUuid().toString(), "--config", configuration.toString()),
                        directory, logFile(), FORMAT_TIMEOUT, reaperLease);
            }
            process = ChildProcess.start(NAME, jvm.command("512m", "kafka.Kafka", configuration.toString()),
                    directory, logFile(), StopSignal.TERM, reaperLease);
            awaitReady();
            LOG.log(System.Logger.Level.INFO, "Kafka ready on {0} (pid {1,number,#})", bootstrapServers(), process.pid());
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    public synchronized void restart() {
        stop();
        start();
    }

    public synchronized void stop() {
        if (process != null) {
            process.stop(SHUTDOWN_GRACE);
            process = null;
        }
        if (reaperLease != null) {
            reaperLease.close();
            reaperLease = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    private Path dataDirectory() {
        return directory.resolve("data");
    }

    private Path writeConfiguration() {
        Properties settings = new Properties();
        settings.setProperty("process.roles", "broker,controller");
        settings.setProperty("node.id", "1");
        settings.setProperty("controller.quorum.voters", "1@" + Ports.LOOPBACK + ":" + controllerPort);
        settings.setProperty("listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + port
                + ",CONTROLLER://" + Ports.LOOPBACK + ":" + controllerPort);
        settings.setProperty("advertised.listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + port);
        settings.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        settings.setProperty("controller.listener.names", "CONTROLLER");
        settings.setProperty("inter.broker.listener.name", "PLAINTEXT");
        settings.setProperty("log.dirs", dataDirectory().toString());
        settings.setProperty("num.partitions", "1");
        settings.setProperty("offsets.topic.replication.factor", "1");
        settings.setProperty("offsets.topic.num.partitions", "1");
        settings.setProperty("transaction.state.log.replication.factor", "1");
        settings.setProperty("transaction.state.log.min.isr", "1");
        settings.setProperty("transaction.state.log.num.partitions", "1");
        settings.setProperty("share.coordinator.state.topic.replication.factor", "1");
        settings.setProperty("share.coordinator.state.topic.min.isr", "1");
        settings.setProperty("group.initial.rebalance.delay.ms", "0");
        try {
            Files.createDirectories(dataDirectory());
            Path file = directory.resolve("server.properties");
            try (var writer = Files.newBufferedWriter(file)) {
                settings.store(writer, "single-node KRaft broker of the pipewright local stack");
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // The port first: an admin client polling a broker that is not listening yet logs a warning per attempt.
    private void awaitReady() {
        Poll.until("Kafka to listen on " + bootstrapServers(), READY_TIMEOUT, process, () -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(Ports.LOOPBACK, port), 500);
                return true;
            }
        });
        Properties client = new Properties();
        client.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        client.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "pipewright-local-stack-readiness");
        client.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        client.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        client.setProperty(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
        try (Admin admin = Admin.create(client)) {
            Poll.until("Kafka to answer on " + bootstrapServers(), READY_TIMEOUT, process, () ->
                    Optional.of(admin.describeCluster().nodes().get(3, TimeUnit.SECONDS))
                            .filter(nodes -> !nodes.isEmpty()));
        }
    }
}
