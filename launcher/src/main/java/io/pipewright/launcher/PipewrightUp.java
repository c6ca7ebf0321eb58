package io.pipewright.launcher;

import io.pipewright.app.PipewrightApplication;
import io.pipewright.cli.PipewrightCli;
import io.pipewright.localstack.DebeziumPostgresPlugin;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code bin/pipewright up}: starts the embedded real stack (control-plane PostgreSQL, source PostgreSQL 17, Kafka,
 * Kafka Connect), then the control plane on it, writes {@code up.json}, and stops everything in order on Ctrl-C or
 * SIGTERM.
 */
public final class PipewrightUp {

    private static final String CONTROL_PLANE_DATABASE = "pipewright";
    /** The CLI's commands ({@code bin/pipewright pipelines ...}), answered without starting anything. */
    private static final Set<String> CLI_COMMANDS = Set.of("pipelines", "services", "tokens");
    /** Exceptions to the endpoint policy for the embedded stack, which listens on loopback. */
    static final String EMBEDDED_STACK_ENDPOINTS = "127.0.0.0/8,::1/128";

    private PipewrightUp() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && CLI_COMMANDS.contains(args[0])) {
            PipewrightCli.main(args);
            return;
        }
        if (args.length > 0 && args[0].equals("consume")) {
            consume(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        UpOptions options;
        try {
            options = UpOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        refuseWhenAlreadyUp(options.upFile());
        if (!options.keepData()) {
            forgetPreviousRun(options);
        }
        BootstrapIdentity identity = BootstrapIdentity.loadOrCreate(options.bootstrapFile());
        LauncherLogging.toFile(controlPlaneLog(options));

        LocalStack stack = LocalStack.builder()
                .workDirectory(options.stackDirectory())
                .keepData(options.keepData())
                .shutdownHook(false)
                .start();
        Map<String, Duration> timings = new LinkedHashMap<>(stack.startupTimings());
        AtomicReference<ConfigurableApplicationContext> controlPlane = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("Stopping the control plane and the stack...");
            Optional.ofNullable(controlPlane.get()).ifPresent(ConfigurableApplicationContext::close);
            stack.close();
            UpFile.remove(options.upFile());
            System.out.println("Stopped.");
        }, "pipewright-up-shutdown"));

        try {
            long controlPlaneStart = System.nanoTime();
            controlPlane.set(startControlPlane(options, identity, stack));
            timings.put("control-plane", Duration.ofNanos(System.nanoTime() - controlPlaneStart));

            int port = ((WebServerApplicationContext) controlPlane.get()).getWebServer().getPort();
            String apiUrl = "http://127.0.0.1:" + port;
            long registrationStart = System.nanoTime();
            EmbeddedServices.Registered services = new EmbeddedServices(apiUrl, identity).registerAndAwaitRunning(stack);
            timings.put("service-registration", Duration.ofNanos(System.nanoTime() - registrationStart));
            UpFile.write(options.upFile(), apiUrl, identity, stack, services, timings);
            System.out.println(UpSummary.render(apiUrl, identity, stack, timings, options.upFile()));
        } catch (RuntimeException failure) {
            // exit runs the shutdown hook, which stops whatever already started
            System.err.println("Pipewright failed to start: " + failure.getMessage());
            System.exit(1);
        }
        Thread.currentThread().join();
    }

    private static void consume(String... args) {
        try {
            ConsumeTopic.run(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
        }
    }

    private static ConfigurableApplicationContext startControlPlane(UpOptions options, BootstrapIdentity identity,
                                                                    LocalStack stack) {
        PostgresServer database = stack.controlPlaneDatabase();
        ensureDatabase(database, CONTROL_PLANE_DATABASE);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("server.address", "127.0.0.1");
        properties.put("server.port", options.apiPort());
        properties.put("spring.datasource.url", database.jdbcUrl(CONTROL_PLANE_DATABASE));
        properties.put("spring.datasource.username", database.superuser());
        properties.put("spring.datasource.password", database.superuserPassword());
        properties.put("pipewright.bootstrap.admin-username", identity.username());
        properties.put("pipewright.bootstrap.admin-password", identity.password());
        properties.put("pipewright.bootstrap.organization-id", identity.organizationId().toString());
        properties.put("pipewright.secrets.key", identity.secretsKey());
        properties.put("pipewright.plugins.debezium-postgres-archive", DebeziumPostgresPlugin.archive().toString());
        // The embedded stack runs on loopback, its plugin and secrets directories and hba files under its directory.
        properties.put("pipewright.endpoints.allowed", EMBEDDED_STACK_ENDPOINTS);
        properties.put("pipewright.host-paths.allowed-roots",
                stack.workDirectory().toAbsolutePath().normalize().toString());
        properties.put("logging.file.name", controlPlaneLog(options).toString());
        // The console shows what the launcher prints for a person; the control plane logs to its file only.
        properties.put("logging.threshold.console", "OFF");
        return new SpringApplicationBuilder(PipewrightApplication.class)
                .properties(properties)
                .registerShutdownHook(false)
                .run();
    }

    private static Path controlPlaneLog(UpOptions options) {
        return options.logDirectory().resolve("control-plane.log");
    }

    private static void refuseWhenAlreadyUp(Path upFile) {
        UpFile.launcherPid(upFile)
                .flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .ifPresent(running -> {
                    System.err.println("Pipewright is already up (pid " + running.pid() + ", see " + upFile + ").");
                    System.exit(1);
                });
    }

    /** Removes only what an earlier run created, never anything else a user may keep in the work directory. */
    private static void forgetPreviousRun(UpOptions options) {
        for (Path path : List.of(options.stackDirectory(), options.bootstrapFile(), options.upFile())) {
            deleteRecursively(path);
        }
    }

    private static void ensureDatabase(PostgresServer server, String name) {
        try (Connection connection = server.connect("postgres");
             PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            if (!exists.executeQuery().next()) {
                server.createDatabase(name);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot prepare the control plane database: " + e.getMessage(), e);
        }
    }

    private static void deleteRecursively(Path path) {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + path, e);
        }
    }
}
