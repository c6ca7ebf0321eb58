package io.pipewright.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pipewright.localstack.KafkaBroker;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code .pipewright/up.json}: what scripts need to reach the running control plane and its embedded services. It
 * holds passwords, so only the owner may read it; it is removed when the stack stops.
 */
final class UpFile {

    static final String SOURCE_DATABASE = "defaultdb";
    /** How up registers the embedded Kafka, and how {@code consume} reads it: the reference's consumers' login. */
    static final String SASL_MECHANISM = "SCRAM-SHA-256";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private UpFile() {
    }

    static void write(Path file, String apiUrl, BootstrapIdentity identity, LocalStack stack,
                      EmbeddedServices.Registered services, Map<String, Duration> startupTimings) {
        PostgresServer source = stack.source();
        Map<String, Object> sourcePostgresql = new LinkedHashMap<>();
        sourcePostgresql.put("id", services.sourceId().toString());
        sourcePostgresql.put("host", source.host());
        sourcePostgresql.put("port", source.port());
        sourcePostgresql.put("database", SOURCE_DATABASE);
        sourcePostgresql.put("user", source.superuser());
        sourcePostgresql.put("password", source.superuserPassword());
        sourcePostgresql.put("jdbc_url", source.jdbcUrl(SOURCE_DATABASE));
        sourcePostgresql.put("ssl_mode", EmbeddedServices.SOURCE_SSL_MODE);
        sourcePostgresql.put("ca_certificate_file", source.caCertificateFile().toString());

        Map<String, Object> kafka = new LinkedHashMap<>();
        kafka.put("id", services.kafkaId().toString());
        kafka.put("bootstrap_servers", stack.kafka().bootstrapServers());
        kafka.put("connect_url", stack.connect().restUrl());
        kafka.put("connect_plugin_path", stack.connect().pluginPath().toString());
        Map<String, Object> sasl = new LinkedHashMap<>();
        sasl.put("bootstrap_servers", stack.kafka().saslBootstrapServers());
        sasl.put("mechanism", SASL_MECHANISM);
        sasl.put("username", KafkaBroker.SASL_USERNAME);
        sasl.put("password", stack.kafka().saslPassword());
        kafka.put("sasl", sasl);

        Map<String, Object> seconds = new LinkedHashMap<>();
        startupTimings.forEach((part, took) -> seconds.put(part, took.toMillis() / 1000.0));

        Map<String, Object> up = new LinkedHashMap<>();
        up.put("status", "running");
        up.put("api_url", apiUrl);
        up.put("username", identity.username());
        up.put("password", identity.password());
        up.put("organization_id", identity.organizationId().toString());
        up.put("services", Map.of("source_postgresql", sourcePostgresql, "kafka", kafka));
        up.put("startup_seconds", seconds);
        up.put("pids", stack.processIds());
        up.put("launcher_pid", ProcessHandle.current().pid());
        writeOwnerOnly(file, up);
    }

    static Optional<Long> launcherPid(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(JSON.readTree(file.toFile()).get("launcher_pid")).map(pid -> pid.asLong());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    static void remove(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file, e);
        }
    }

    private static void writeOwnerOnly(Path file, Object content) {
        try {
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            Files.deleteIfExists(partial);
            Files.createFile(partial, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            JSON.writeValue(partial.toFile(), content);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
