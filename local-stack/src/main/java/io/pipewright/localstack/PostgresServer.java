package io.pipewright.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * A PostgreSQL server run from the zonky binaries as a direct child process ({@code postgres -D}, no pg_ctl), listening on
 * 127.0.0.1 only, with logical decoding enabled. Its superuser password is generated at initdb and kept in the data
 * directory, so a kept data directory and a standby copied from it know it too. Unless built without, it serves TLS
 * (plain connections are still accepted) with a certificate for 127.0.0.1 and localhost from a certificate authority
 * made for it, whose certificate ({@link #caCertificatePem()}) is kept in the data directory with the server's key
 * and certificate: a kept data directory and a standby copied from it present the same certificate.
 */
public final class PostgresServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(PostgresServer.class.getName());
    private static final String SUPERUSER = "postgres";
    private static final String PASSWORD_FILE = "pipewright-superuser.password";
    private static final String CA_CERTIFICATE_FILE = "pipewright-ca.crt";
    private static final String SERVER_CERTIFICATE_FILE = "server.crt";
    private static final String SERVER_KEY_FILE = "server.key";
    private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(60);
    private static final int MAX_SOCKET_PATH = 100;
    private static final String SETTINGS = """

            # pipewright local stack
            listen_addresses = '127.0.0.1'
            wal_level = logical
            max_replication_slots = 20
            max_wal_senders = 20
            synchronous_commit = on
            fsync = off
            hot_standby = on
            """;

    private final String name;
    private final PostgresInstallation installation;
    private final Path dataDirectory;
    private final Path workDirectory;
    private final int port;
    private final HbaPolicy hbaPolicy;
    private final String standbySlotName;
    private final String extraSettings;
    private final boolean tls;
    private String password;
    private Path socketDirectory;
    private ChildProcess postmaster;
    private ProcessReaper.Lease reaperLease;

    private PostgresServer(String name, PostgresInstallation installation, Path dataDirectory, Path workDirectory,
                           int port, HbaPolicy hbaPolicy, String standbySlotName, String extraSettings, boolean tls) {
        this.name = name;
        this.installation = installation;
        this.dataDirectory = dataDirectory.toAbsolutePath().normalize();
        this.workDirectory = workDirectory.toAbsolutePath().normalize();
        this.port = port;
        this.hbaPolicy = hbaPolicy;
        this.standbySlotName = standbySlotName;
        this.extraSettings = extraSettings;
        this.tls = tls;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String host() {
        return Ports.LOOPBACK;
    }

    public int port() {
        return port;
    }

    public String superuser() {
        return SUPERUSER;
    }

    public synchronized String superuserPassword() {
        return password;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port + "/" + database;
    }

    /** A new connection as the superuser; the caller closes it. */
    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", SUPERUSER);
        properties.setProperty("password", superuserPassword());
        properties.setProperty("connectTimeout", "5");
        properties.setProperty("ApplicationName", "pipewright-local-stack");
        return DriverManager.getConnection(jdbcUrl(database), properties);
    }

    public void createDatabase(String database) {
        execute("postgres", "CREATE DATABASE " + quoteIdentifier(database));
    }

    /** Runs one or more statements (separated by semicolons) as the superuser, in autocommit mode. */
    public void execute(String database, String sql) {
        try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(name + ": statement failed on database " + database, e);
        }
    }

    public boolean isInRecovery() {
        return queryBoolean("SELECT pg_is_in_recovery()");
    }

    /** Turns this standby into a primary and waits until it accepts writes. */
    public void promote() {
        queryBoolean("SELECT pg_promote(true, 60)");
        Poll.until(name + " to leave recovery", READY_TIMEOUT, postmaster(), () -> !isInRecovery());
    }

    /**
     * A streaming standby of this running primary, without stopping it: an online copy taken with the low-level backup
     * API, replicating through its own physical slot on this primary, with PostgreSQL 17 slot synchronisation enabled.
     * Returns once the standby has replayed everything this primary had written when the copy ended.
     */
    public PostgresServer createStandby(Path standbyDataDirectory) {
        int standbyPort = Ports.free();
        String slotName = "pipewright_standby_" + standbyPort;
        PostgresServer standby = new PostgresServer(name + "-standby-" + standbyPort, installation, standbyDataDirectory,
                workDirectory, standbyPort, hbaPolicy, slotName, "", tls);
        StandbyCopy.copy(this, slotName, standby.dataDirectory);
        standby.appendSettings(standbySettings(slotName));
        standby.start();
        try {
            standby.awaitCaughtUpWith(this);
        } catch (RuntimeException e) {
            standby.stop();
            throw e;
        }
        return standby;
    }

    /** Waits until this standby is in recovery and has replayed everything {@code primary} has written so far. */
    public void awaitCaughtUpWith(PostgresServer primary) {
        String primaryLsn = primary.queryString("SELECT pg_current_wal_lsn()::text");
        Poll.until(name + " to replay " + primary.name + " up to " + primaryLsn, READY_TIMEOUT, postmaster(),
                () -> isInRecovery() && queryBoolean("SELECT pg_last_wal_replay_lsn() >= '" + primaryLsn + "'::pg_lsn"));
    }

    /** The physical slot this standby replicates through on its primary, when it was made by {@link #createStandby}. */
    public Optional<String> standbySlotName() {
        return Optional.ofNullable(standbySlotName);
    }

    /**
     * Makes this primary hold back logical decoding of failover slots until {@code standby} has received the WAL, so
     * the slots synchronised to it are usable after a promotion (synchronized_standby_slots).
     */
    public void synchronizeFailoverSlotsWith(PostgresServer standby) {
        String slot = standby.standbySlotName()
                .orElseThrow(() -> new IllegalArgumentException(standby.name + " was not created by createStandby"));
        execute("postgres", "ALTER SYSTEM SET synchronized_standby_slots = '" + slot + "'; SELECT pg_reload_conf()");
    }

    public synchronized long pid() {
        if (postmaster == null) {
            throw new IllegalStateException(name + " is not running");
        }
        return postmaster.pid();
    }

    public synchronized boolean isRunning() {
        return postmaster != null && postmaster.isAlive();
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public Path hbaFile() {
        return dataDirectory.resolve("pg_hba.conf");
    }

    /**
     * The certificate (PEM) of the authority that issued this server's TLS certificate: what a client verifying the
     * server trusts. A standby made by {@link #createStandby} has its primary's.
     */
    public String caCertificatePem() {
        try {
            return Files.readString(caCertificateFile());
        } catch (IOException e) {
            throw new UncheckedIOException(name + " has no certificate authority (built without TLS?)", e);
        }
    }

    /** Where {@link #caCertificatePem()} is kept, e.g. for psql's {@code sslrootcert}. */
    public Path caCertificateFile() {
        return dataDirectory.resolve(CA_CERTIFICATE_FILE);
    }

    public Path logFile() {
        return workDirectory.resolve("logs").resolve(name + ".log");
    }

    public int majorVersion() {
        try {
            return Integer.parseInt(Files.readString(dataDirectory.resolve("PG_VERSION")).trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the server (after initdb when the data directory is new) and waits until it accepts connections. */
    public synchronized void start() {
        if (postmaster != null) {
            return;
        }
        reaperLease = ProcessReaper.acquire(workDirectory);
        try {
            if (!Files.isRegularFile(dataDirectory.resolve("PG_VERSION"))) {
                initialize();
            }
            if (tls && !Files.isRegularFile(caCertificateFile())) {
                serveTls();
            }
            password = Files.readString(dataDirectory.resolve(PASSWORD_FILE)).trim();
            socketDirectory = socketDirectory();
            postmaster = ChildProcess.start(name, installation.command("postgres", List.of(
                            "-D", dataDirectory.toString(),
                            "-c", "port=" + port,
                            "-c", "unix_socket_directories=" + socketDirectory)),
                    workDirectory, logFile(), StopSignal.INT, reaperLease);
            Poll.until(name + " to accept connections on port " + port, READY_TIMEOUT, postmaster, () -> {
                try (Connection ignored = connect("postgres")) {
                    return true;
                }
            });
            LOG.log(System.Logger.Level.INFO, "{0} ready on {1}:{2,number,#} (pid {3,number,#})", name, host(), port,
                    postmaster.pid());
        } catch (IOException e) {
            stop();
            throw new UncheckedIOException(name + " did not start", e);
        } catch (RuntimeException e) {
            stop();
            throw e;
        }
    }

    /** Fast shutdown (SIGINT to the postmaster), waiting for its exit. Does nothing when not running. */
    public synchronized void stop() {
        if (postmaster != null) {
            postmaster.stop(SHUTDOWN_GRACE);
            postmaster = null;
        }
        if (socketDirectory != null && !socketDirectory.startsWith(workDirectory)) {
            FileTrees.deleteRecursively(socketDirectory);
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

    @Override
    public String toString() {
        return name + "@" + host() + ":" + port;
    }

    String name() {
        return name;
    }

    private synchronized ChildProcess postmaster() {
        return postmaster;
    }

    private void initialize() throws IOException {
        Files.createDirectories(dataDirectory.getParent());
        Path passwordFile = Files.createTempFile(workDirectory, name, ".pw",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.writeString(passwordFile, generatePassword());
            ChildProcess.run(name + "-initdb", installation.command("initdb", List.of(
                            "-D", dataDirectory.toString(),
                            "-U", SUPERUSER,
                            "--pwfile=" + passwordFile,
                            "--auth-local=trust",
                            "--auth-host=scram-sha-256",
                            "-E", "UTF8",
                            "--locale=C",
                            "--no-sync")),
                    workDirectory, logFile(), INITDB_TIMEOUT, reaperLease);
            Files.move(passwordFile, dataDirectory.resolve(PASSWORD_FILE));
        } finally {
            Files.deleteIfExists(passwordFile);
        }
        Files.writeString(hbaFile(), hbaPolicy.fileContent());
        appendSettings(SETTINGS + extraSettings);
    }

    /**
     * A new authority and a server certificate from it, the key readable by its owner only (PostgreSQL refuses it
     * otherwise), and {@code ssl = on}. The authority's certificate is written last: a start interrupted before it
     * makes the next start do all of this again. The authority's key is not kept: nothing else can be issued.
     */
    private void serveTls() throws IOException {
        LocalCertificateAuthority authority = LocalCertificateAuthority.generate("Pipewright local " + name + " CA");
        LocalCertificateAuthority.ServerCertificate server = authority.issueServerCertificate(name);
        Path key = dataDirectory.resolve(SERVER_KEY_FILE);
        Files.deleteIfExists(key);
        Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(key, server.privateKeyPem());
        Files.writeString(dataDirectory.resolve(SERVER_CERTIFICATE_FILE), server.certificatePem());
        appendSettings("""

                # TLS made by pipewright's local stack
                ssl = on
                ssl_cert_file = '%s'
                ssl_key_file = '%s'
                """.formatted(SERVER_CERTIFICATE_FILE, SERVER_KEY_FILE));
        Files.writeString(caCertificateFile(), authority.certificatePem());
    }

    private String standbySettings(String slotName) {
        return """

                # streaming standby made by pipewright createStandby
                primary_conninfo = 'host=%s port=%d user=%s password=%s dbname=postgres application_name=%s'
                primary_slot_name = '%s'
                hot_standby_feedback = on
                sync_replication_slots = on
                """.formatted(host(), port, SUPERUSER, superuserPassword(), slotName, slotName);
    }

    private void appendSettings(String settings) {
        try {
            Files.writeString(dataDirectory.resolve("postgresql.conf"), settings, StandardCharsets.UTF_8,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // Unix socket paths are limited to 107 bytes; a deep work directory falls back to a short temporary one.
    private Path socketDirectory() throws IOException {
        Path own = workDirectory.resolve("run").resolve(Integer.toString(port));
        if (own.resolve(".s.PGSQL." + port).toString().length() <= MAX_SOCKET_PATH) {
            return Files.createDirectories(own);
        }
        return Files.createTempDirectory("pipewright-pg-");
    }

    private boolean queryBoolean(String sql) {
        return querySingleValue(sql, result -> result.getBoolean(1));
    }

    private String queryString(String sql) {
        return querySingleValue(sql, result -> result.getString(1));
    }

    private <T> T querySingleValue(String sql, ColumnReader<T> reader) {
        try (Connection connection = connect("postgres");
             PreparedStatement statement = connection.prepareStatement(sql);
             ResultSet result = statement.executeQuery()) {
            result.next();
            return reader.read(result);
        } catch (SQLException e) {
            throw new IllegalStateException(name + ": query failed: " + sql, e);
        }
    }

    @FunctionalInterface
    private interface ColumnReader<T> {
        T read(ResultSet result) throws SQLException;
    }

    private static String generatePassword() {
        String alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        SecureRandom random = new SecureRandom();
        StringBuilder password = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            password.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return password.toString();
    }

    static String quoteIdentifier(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** Settings of a server to start; a data directory that already holds PG_VERSION is reused as it is. */
    public static final class Builder {

        private String name = "postgresql";
        private Path dataDirectory;
        private Path workDirectory;
        private int port;
        private HbaPolicy hbaPolicy = HbaPolicy.PASSWORD_FOR_EVERY_ROLE;
        private boolean tls = true;
        private final StringBuilder settings = new StringBuilder();

        private Builder() {
        }

        /** Names the log file ({@code <work dir>/logs/<name>.log}) and messages. */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name);
            return this;
        }

        public Builder dataDirectory(Path dataDirectory) {
            this.dataDirectory = Objects.requireNonNull(dataDirectory);
            return this;
        }

        /** Where logs/, run/ (the unix socket) and the reaper script go; defaults to the data directory's parent. */
        public Builder workDirectory(Path workDirectory) {
            this.workDirectory = Objects.requireNonNull(workDirectory);
            return this;
        }

        /** 0 (the default) picks a free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** Applies when the data directory is created; a reused one keeps its pg_hba.conf. */
        public Builder hbaPolicy(HbaPolicy hbaPolicy) {
            this.hbaPolicy = Objects.requireNonNull(hbaPolicy);
            return this;
        }

        /**
         * true (the default): serve TLS as a PostgreSQL users register does, with a certificate of an authority made
         * for this server. false: plain connections only, for a server only the local stack's owner connects to.
         */
        public Builder tls(boolean tls) {
            this.tls = tls;
            return this;
        }

        /**
         * A postgresql.conf line ({@code name = value}) added when the data directory is created, e.g. a statement
         * log for one test's server; a standby made by {@link #createStandby} copies it.
         */
        public Builder setting(String name, String value) {
            settings.append(name).append(" = '").append(value.replace("'", "''")).append("'\n");
            return this;
        }

        public PostgresServer start() {
            Objects.requireNonNull(dataDirectory, "dataDirectory");
            Path absoluteData = dataDirectory.toAbsolutePath().normalize();
            Path work = workDirectory != null ? workDirectory : absoluteData.getParent();
            try {
                Files.createDirectories(work);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            PostgresInstallation installation = PostgresInstallation.forVersion(BuildProperties.load().postgresBinariesVersion());
            PostgresServer server = new PostgresServer(name, installation, absoluteData, work,
                    port == 0 ? Ports.free() : port, hbaPolicy, null, settings.toString(), tls);
            server.start();
            return server;
        }
    }
}
