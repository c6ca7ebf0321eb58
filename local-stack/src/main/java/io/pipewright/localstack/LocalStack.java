package io.pipewright.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A real local stack on 127.0.0.1: the control plane's PostgreSQL, a source PostgreSQL 17 with sample tables, a Kafka
 * broker and a Kafka Connect worker, started one after another (in parallel they are slower on two cores) and stopped
 * in reverse order on {@link #close()}, on JVM shutdown, or by the reaper process when this JVM is killed.
 */
public final class LocalStack implements AutoCloseable {

    public static final String CONTROL_PLANE_POSTGRESQL = "control-plane-postgresql";
    public static final String SOURCE_POSTGRESQL = "source-postgresql";
    public static final String KAFKA = "kafka";
    public static final String KAFKA_CONNECT = "kafka-connect";
    public static final String REAPER = "reaper";
    public static final String SOURCE_DATABASE = "defaultdb";

    private static final System.Logger LOG = System.getLogger(LocalStack.class.getName());
    private static final String SAMPLE_DATA_RESOURCE = "source-sample-data.sql";
    private static final List<String> DISCARDED_WITHOUT_KEEP_DATA = List.of(
            CONTROL_PLANE_POSTGRESQL, SOURCE_POSTGRESQL, KAFKA, KAFKA_CONNECT, "connect-plugins", "logs", "run",
            "ports.properties");

    private final Path workDirectory;
    private final boolean workDirectoryIsTemporary;
    private final Map<String, Duration> startupTimings = new LinkedHashMap<>();
    private final Thread shutdownHook = new Thread(this::close, "pipewright-local-stack-shutdown");
    private volatile PostgresServer controlPlaneDatabase;
    private volatile PostgresServer source;
    private volatile KafkaBroker kafka;
    private volatile ConnectWorker connect;
    private volatile ProcessReaper.Lease reaperLease;
    private boolean shutdownHookRegistered;
    private boolean closed;

    private LocalStack(Path workDirectory, boolean workDirectoryIsTemporary) {
        this.workDirectory = workDirectory;
        this.workDirectoryIsTemporary = workDirectoryIsTemporary;
    }

    public static Builder builder() {
        return new Builder();
    }

    public PostgresServer controlPlaneDatabase() {
        return present(controlPlaneDatabase, CONTROL_PLANE_POSTGRESQL);
    }

    /**
     * PostgreSQL 17 with database {@value #SOURCE_DATABASE} (public.customers, public.orders), a restrictive pg_hba, and
     * TLS with a certificate of its own authority ({@link PostgresServer#caCertificatePem()}).
     */
    public PostgresServer source() {
        return present(source, SOURCE_POSTGRESQL);
    }

    public KafkaBroker kafka() {
        return present(kafka, KAFKA);
    }

    public ConnectWorker connect() {
        return present(connect, KAFKA_CONNECT);
    }

    public Path workDirectory() {
        return workDirectory;
    }

    /** How long each part took to become ready, in start order. */
    public synchronized Map<String, Duration> startupTimings() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(startupTimings));
    }

    /** The OS processes the stack runs now, by part, plus the reaper. */
    public synchronized Map<String, Long> processIds() {
        Map<String, Long> ids = new LinkedHashMap<>();
        if (controlPlaneDatabase != null && controlPlaneDatabase.isRunning()) {
            ids.put(CONTROL_PLANE_POSTGRESQL, controlPlaneDatabase.pid());
        }
        if (source != null && source.isRunning()) {
            ids.put(SOURCE_POSTGRESQL, source.pid());
        }
        if (kafka != null && kafka.isRunning()) {
            ids.put(KAFKA, kafka.pid());
        }
        if (connect != null && connect.isRunning()) {
            ids.put(KAFKA_CONNECT, connect.pid());
        }
        if (reaperLease != null) {
            ids.put(REAPER, reaperLease.pid());
        }
        return Collections.unmodifiableMap(ids);
    }

    /** Stops Connect, Kafka, the source and the control plane's database, in this order. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        RuntimeException failure = null;
        for (AutoCloseable part : new AutoCloseable[] {connect, kafka, source, controlPlaneDatabase, reaperLease}) {
            try {
                if (part != null) {
                    part.close();
                }
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("the local stack did not stop cleanly", e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (shutdownHookRegistered && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shutdownInProgress) {
                // the hook runs or has run already: nothing to remove
            }
        }
        if (workDirectoryIsTemporary) {
            FileTrees.deleteRecursively(workDirectory);
        }
        if (failure != null) {
            throw failure;
        }
    }

    private void start(Builder settings) {
        reaperLease = ProcessReaper.acquire(workDirectory);
        if (settings.shutdownHook) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            shutdownHookRegistered = true;
        }
        PortBook ports = PortBook.open(workDirectory.resolve("ports.properties"), settings.keepData);
        try {
            if (settings.controlPlaneDatabase) {
                controlPlaneDatabase = timed(CONTROL_PLANE_POSTGRESQL,
                        () -> startPostgres(CONTROL_PLANE_POSTGRESQL, ports, HbaPolicy.PASSWORD_FOR_EVERY_ROLE, false));
            }
            if (settings.source) {
                source = timed(SOURCE_POSTGRESQL, () -> {
                    PostgresServer server = startPostgres(SOURCE_POSTGRESQL, ports, HbaPolicy.SUPERUSER_ONLY, true);
                    loadSampleData(server);
                    return server;
                });
            }
            ChildJvm jvm = settings.kafka || settings.connect ? ChildJvm.prepare(workDirectory) : null;
            if (settings.kafka || settings.connect) {
                kafka = timed(KAFKA, () -> {
                    KafkaBroker broker = new KafkaBroker(workDirectory, new KafkaBroker.ListenerPorts(ports.port(KAFKA),
                            ports.port("kafka-sasl"), ports.port("kafka-ssl"), ports.port("kafka-sasl-ssl"),
                            ports.port("kafka-controller")), jvm);
                    broker.start();
                    return broker;
                });
            }
            if (settings.connect) {
                connect = timed(KAFKA_CONNECT, () -> {
                    ConnectWorker worker = new ConnectWorker(workDirectory, ports.port(KAFKA_CONNECT), kafka.bootstrapServers(), jvm);
                    worker.start();
                    return worker;
                });
            }
            ports.save();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, "local stack ready in {0}: {1}", workDirectory, startupTimings());
    }

    /** {@code tls}: the source serves TLS like a PostgreSQL users register; the control plane's own database does not. */
    private PostgresServer startPostgres(String name, PortBook ports, HbaPolicy hbaPolicy, boolean tls) {
        return PostgresServer.builder()
                .name(name)
                .dataDirectory(workDirectory.resolve(name))
                .workDirectory(workDirectory)
                .port(ports.port(name))
                .hbaPolicy(hbaPolicy)
                .tls(tls)
                .start();
    }

    private static void loadSampleData(PostgresServer server) {
        try (Connection connection = server.connect("postgres");
             PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            statement.setString(1, SOURCE_DATABASE);
            try (ResultSet result = statement.executeQuery()) {
                if (result.next()) {
                    return;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot look up database " + SOURCE_DATABASE, e);
        }
        server.createDatabase(SOURCE_DATABASE);
        try (InputStream in = LocalStack.class.getResourceAsStream(SAMPLE_DATA_RESOURCE)) {
            server.execute(SOURCE_DATABASE, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private <T> T timed(String part, Supplier<T> starter) {
        long startedAt = System.nanoTime();
        T started = starter.get();
        Duration took = Duration.ofNanos(System.nanoTime() - startedAt);
        synchronized (this) {
            startupTimings.put(part, took);
        }
        return started;
    }

    private static <T> T present(T part, String name) {
        if (part == null) {
            throw new IllegalStateException("this local stack was built without " + name);
        }
        return part;
    }

    /** Which parts to start, where, and whether to keep their data between runs. */
    public static final class Builder {

        private Path workDirectory;
        private boolean keepData;
        private boolean controlPlaneDatabase = true;
        private boolean source = true;
        private boolean kafka = true;
        private boolean connect = true;
        private boolean shutdownHook = true;

        private Builder() {
        }

        /** Where data, logs/ and ports go; without it, a temporary directory removed on close. */
        public Builder workDirectory(Path workDirectory) {
            this.workDirectory = workDirectory;
            return this;
        }

        /** true: reuse data directories, ports and installed Connect plugins of a previous run; false: start empty. */
        public Builder keepData(boolean keepData) {
            this.keepData = keepData;
            return this;
        }

        public Builder withControlPlaneDatabase(boolean controlPlaneDatabase) {
            this.controlPlaneDatabase = controlPlaneDatabase;
            return this;
        }

        public Builder withSource(boolean source) {
            this.source = source;
            return this;
        }

        public Builder withKafka(boolean kafka) {
            this.kafka = kafka;
            return this;
        }

        /** Connect needs Kafka: with Connect, Kafka starts too. */
        public Builder withConnect(boolean connect) {
            this.connect = connect;
            return this;
        }

        /**
         * true (the default): a JVM shutdown hook closes the stack. false: for owners with their own hook that must
         * stop something first (e.g. the control plane before its database); the reaper still covers a killed JVM.
         */
        public Builder shutdownHook(boolean shutdownHook) {
            this.shutdownHook = shutdownHook;
            return this;
        }

        public LocalStack start() {
            try {
                boolean temporary = workDirectory == null;
                Path work = temporary
                        ? Files.createTempDirectory("pipewright-local-stack-")
                        : Files.createDirectories(workDirectory.toAbsolutePath().normalize());
                if (!keepData) {
                    DISCARDED_WITHOUT_KEEP_DATA.forEach(entry -> FileTrees.deleteRecursively(work.resolve(entry)));
                }
                LocalStack stack = new LocalStack(work, temporary);
                stack.start(this);
                return stack;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot prepare the work directory of the local stack", e);
            }
        }
    }
}
