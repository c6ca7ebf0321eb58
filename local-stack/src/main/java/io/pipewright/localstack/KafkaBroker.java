package io.pipewright.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft Kafka (broker and controller in one JVM) on 127.0.0.1, with a listener per security protocol a
 * managed Kafka offers: PLAINTEXT (what the stack's Connect worker and the controller use), SASL_PLAINTEXT (the
 * reference's consumers: SCRAM-SHA-256, also SCRAM-SHA-512 and PLAIN), SSL and SASL_SSL (a certificate for 127.0.0.1
 * signed by the stack's own CA, {@link #caCertificate()}). One generated user, {@value #SASL_USERNAME}, logs in to the
 * SASL listeners; its SCRAM credentials are created through the admin API, its password kept owner-only in the work
 * directory, so a stack that keeps its data keeps its user.
 */
public final class KafkaBroker implements AutoCloseable {

    /** The user of the SASL listeners, named as the reference's consumers name theirs. */
    public static final String SASL_USERNAME = "app_user";

    private static final System.Logger LOG = System.getLogger(KafkaBroker.class.getName());
    private static final String NAME = "kafka";
    private static final Duration FORMAT_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);
    private static final String PASSWORD_FILE = "sasl-user.password";
    private static final int SCRAM_ITERATIONS = 4096;
    private static final String SCRAM_SERVER_LOGIN =
            "org.apache.kafka.common.security.scram.ScramLoginModule required;";

    /** The ports of the broker's listeners. */
    record ListenerPorts(int plaintext, int saslPlaintext, int ssl, int saslSsl, int controller) {
    }

    private final Path workDirectory;
    private final Path directory;
    private final ListenerPorts ports;
    private final ChildJvm jvm;
    private ChildProcess process;
    private ProcessReaper.Lease reaperLease;
    private LoopbackCertificates certificates;
    private String saslPassword;

    KafkaBroker(Path workDirectory, ListenerPorts ports, ChildJvm jvm) {
        this.workDirectory = workDirectory;
        this.directory = workDirectory.resolve(NAME);
        this.ports = ports;
        this.jvm = jvm;
    }

    /** The PLAINTEXT listener. */
    public String bootstrapServers() {
        return Ports.LOOPBACK + ":" + ports.plaintext();
    }

    /** The SASL_PLAINTEXT listener: SCRAM-SHA-256, SCRAM-SHA-512 or PLAIN as {@value #SASL_USERNAME}. */
    public String saslBootstrapServers() {
        return Ports.LOOPBACK + ":" + ports.saslPlaintext();
    }

    /** The SSL listener: TLS, no login. */
    public String sslBootstrapServers() {
        return Ports.LOOPBACK + ":" + ports.ssl();
    }

    /** The SASL_SSL listener: TLS, then the same logins as the SASL_PLAINTEXT one. */
    public String saslSslBootstrapServers() {
        return Ports.LOOPBACK + ":" + ports.saslSsl();
    }

    /** The password of {@value #SASL_USERNAME}. */
    public synchronized String saslPassword() {
        if (saslPassword == null) {
            throw new IllegalStateException("the Kafka broker has not been started");
        }
        return saslPassword;
    }

    /** The PEM of the CA that signed the TLS listeners' certificate. */
    public synchronized String caCertificate() {
        if (certificates == null) {
            throw new IllegalStateException("the Kafka broker has not been started");
        }
        return certificates.caCertificate();
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
            certificates = LoopbackCertificates.loadOrCreate(directory.resolve("tls"), "pipewright local stack CA");
            saslPassword = keptPassword();
            Path configuration = writeConfiguration();
            if (!Files.exists(dataDirectory().resolve("meta.properties"))) {
                ChildProcess.run(NAME + "-storage-format", jvm.command("256m", "kafka.tools.StorageTool",
                                "format", "--cluster-id", Uuid.randomUuid().toString(), "--config", configuration.toString()),
                        directory, logFile(), FORMAT_TIMEOUT, reaperLease);
            }
            process = ChildProcess.start(NAME, jvm.command("512m", "kafka.Kafka", configuration.toString()),
                    directory, logFile(), StopSignal.TERM, reaperLease);
            awaitReady();
            createSaslUser();
            LOG.log(System.Logger.Level.INFO, "Kafka ready on {0}, SASL on {1}, SSL on {2}, SASL_SSL on {3} (pid "
                    + "{4,number,#})", bootstrapServers(), saslBootstrapServers(), sslBootstrapServers(),
                    saslSslBootstrapServers(), process.pid());
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
        settings.setProperty("controller.quorum.voters", "1@" + Ports.LOOPBACK + ":" + ports.controller());
        String clientListeners = "PLAINTEXT://" + bootstrapServers() + ",SASL_PLAINTEXT://" + saslBootstrapServers()
                + ",SSL://" + sslBootstrapServers() + ",SASL_SSL://" + saslSslBootstrapServers();
        settings.setProperty("listeners", clientListeners + ",CONTROLLER://" + Ports.LOOPBACK + ":"
                + ports.controller());
        settings.setProperty("advertised.listeners", clientListeners);
        settings.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,"
                + "SSL:SSL,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT");
        settings.setProperty("controller.listener.names", "CONTROLLER");
        // Between broker and controller, and for the Connect worker: plain, as before.
        settings.setProperty("inter.broker.listener.name", "PLAINTEXT");
        settings.setProperty("sasl.enabled.mechanisms", "SCRAM-SHA-256,SCRAM-SHA-512,PLAIN");
        for (String listener : List.of("sasl_plaintext", "sasl_ssl")) {
            settings.setProperty("listener.name." + listener + ".scram-sha-256.sasl.jaas.config", SCRAM_SERVER_LOGIN);
            settings.setProperty("listener.name." + listener + ".scram-sha-512.sasl.jaas.config", SCRAM_SERVER_LOGIN);
            settings.setProperty("listener.name." + listener + ".plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required user_" + SASL_USERNAME + "=\""
                            + saslPassword + "\";");
        }
        settings.setProperty("ssl.keystore.type", "PEM");
        settings.setProperty("ssl.keystore.certificate.chain", certificates.certificateChain());
        settings.setProperty("ssl.keystore.key", certificates.privateKey());
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
            // The PLAIN login's password and the TLS key are in it: the owner only may read it.
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
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
                socket.connect(new InetSocketAddress(Ports.LOOPBACK, ports.plaintext()), 500);
                return true;
            }
        });
        try (Admin admin = Admin.create(readinessClient(bootstrapServers()))) {
            Poll.until("Kafka to answer on " + bootstrapServers(), READY_TIMEOUT, process, () ->
                    Optional.of(admin.describeCluster().nodes().get(3, TimeUnit.SECONDS))
                            .filter(nodes -> !nodes.isEmpty()));
        }
    }

    private static Properties readinessClient(String bootstrapServers) {
        Properties client = new Properties();
        client.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        client.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "pipewright-local-stack-readiness");
        client.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        client.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        client.setProperty(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
        return client;
    }

    /** The password of the SASL user, generated the first time and kept owner-only. */
    private String keptPassword() {
        Path file = directory.resolve(PASSWORD_FILE);
        try {
            if (Files.isRegularFile(file)) {
                return Files.readString(file).trim();
            }
            Files.createDirectories(directory);
            byte[] random = new byte[18];
            new SecureRandom().nextBytes(random);
            String password = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
            Path partial = directory.resolve(PASSWORD_FILE + ".partial");
            Files.deleteIfExists(partial);
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rw-------")));
            Files.writeString(partial, password);
            Files.move(partial, file);
            return password;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the SASL user's password in " + file, e);
        }
    }

    /**
     * The user's SCRAM credentials through the admin API (upserted, so a restart changes nothing), then a SASL login
     * on the SASL_PLAINTEXT listener, which works once the credentials reached the broker's metadata.
     */
    private void createSaslUser() {
        try (Admin admin = Admin.create(readinessClient(bootstrapServers()))) {
            // One request per mechanism: Kafka refuses two changes of one user's credentials in a request.
            for (ScramMechanism mechanism : List.of(ScramMechanism.SCRAM_SHA_256, ScramMechanism.SCRAM_SHA_512)) {
                Poll.until(mechanism.mechanismName() + " credentials for " + SASL_USERNAME, READY_TIMEOUT, process,
                        () -> {
                            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(SASL_USERNAME,
                                    new ScramCredentialInfo(mechanism, SCRAM_ITERATIONS), saslPassword)))
                                    .all().get(10, TimeUnit.SECONDS);
                            return true;
                        });
            }
        }
        Properties sasl = readinessClient(saslBootstrapServers());
        sasl.setProperty("security.protocol", "SASL_PLAINTEXT");
        sasl.setProperty("sasl.mechanism", "SCRAM-SHA-256");
        sasl.setProperty("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"" + SASL_USERNAME + "\" password=\"" + saslPassword + "\";");
        try (Admin admin = Admin.create(sasl)) {
            Poll.until("a SASL login on " + saslBootstrapServers(), READY_TIMEOUT, process, () ->
                    Optional.of(admin.describeCluster().nodes().get(3, TimeUnit.SECONDS))
                            .filter(nodes -> !nodes.isEmpty()));
        }
    }
}
