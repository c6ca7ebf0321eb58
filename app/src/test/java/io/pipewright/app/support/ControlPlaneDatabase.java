package io.pipewright.app.support;

import io.pipewright.localstack.DebeziumPostgresPlugin;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import java.nio.file.Path;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.postgresql.ds.PGSimpleDataSource;
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

    /**
     * A fresh database of its own named after {@code prefix}, with the control plane's schema (every module's
     * migrations), for tests of one table's code without a Spring context.
     */
    public static PGSimpleDataSource migratedDatabase(String prefix) {
        PostgresServer server = server();
        String database = prefix + "_" + UUID.randomUUID().toString().replace("-", "");
        server.createDatabase(database);
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setUrl(server.jdbcUrl(database));
        dataSource.setUser(server.superuser());
        dataSource.setPassword(server.superuserPassword());
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        return dataSource;
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
