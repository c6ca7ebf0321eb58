package io.pipewright.app.support;

import io.pipewright.localstack.DebeziumPostgresPlugin;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import java.nio.file.Path;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The real stack the application's tests run against: one per test JVM (control-plane PostgreSQL, source
 * PostgreSQL 17, Kafka, Kafka Connect), one fresh control-plane database per Spring context, so contexts never see
 * each other's events.
 */
public final class ControlPlaneDatabase {

    private static LocalStack stack;

    private ControlPlaneDatabase() {
    }

    public static synchronized LocalStack stack() {
        if (stack == null) {
            stack = LocalStack.builder().workDirectory(Path.of("target", "test-stack")).start();
        }
        return stack;
    }

    /** Whether a test of this JVM started the stack already. */
    public static synchronized boolean started() {
        return stack != null;
    }

    public static PostgresServer server() {
        return stack().controlPlaneDatabase();
    }

    public static void registerFreshDatabase(DynamicPropertyRegistry registry) {
        PostgresServer server = server();
        String database = "control_plane_" + UUID.randomUUID().toString().replace("-", "");
        server.createDatabase(database);
        registry.add("spring.datasource.url", () -> server.jdbcUrl(database));
        registry.add("spring.datasource.username", server::superuser);
        registry.add("spring.datasource.password", server::superuserPassword);
        registry.add("pipewright.plugins.debezium-postgres-archive", () -> DebeziumPostgresPlugin.archive().toString());
        // Under the module's target directory: the stack's plugin and secrets directories and the hba files of every
        // source a test starts; and the made-up paths of registrations that are never provisioned.
        registry.add("pipewright.host-paths.allowed-roots", () -> String.join(",",
                Path.of("target").toAbsolutePath().normalize().toString(), "/run/connect-secrets",
                "/opt/kafka-connect/plugins"));
    }
}
