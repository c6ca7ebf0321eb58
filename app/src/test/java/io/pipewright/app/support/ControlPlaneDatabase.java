package io.pipewright.app.support;

import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import java.nio.file.Path;
import java.util.UUID;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The real PostgreSQL the application's tests run against: one server per test JVM, one fresh database per Spring
 * context, so contexts never see each other's events.
 */
public final class ControlPlaneDatabase {

    private static LocalStack stack;

    private ControlPlaneDatabase() {
    }

    public static synchronized PostgresServer server() {
        if (stack == null) {
            stack = LocalStack.builder()
                    .workDirectory(Path.of("target", "test-stack"))
                    .withSource(false)
                    .withKafka(false)
                    .withConnect(false)
                    .start();
        }
        return stack.controlPlaneDatabase();
    }

    public static void registerFreshDatabase(DynamicPropertyRegistry registry) {
        PostgresServer server = server();
        String database = "control_plane_" + UUID.randomUUID().toString().replace("-", "");
        server.createDatabase(database);
        registry.add("spring.datasource.url", () -> server.jdbcUrl(database));
        registry.add("spring.datasource.username", server::superuser);
        registry.add("spring.datasource.password", server::superuserPassword);
    }
}
