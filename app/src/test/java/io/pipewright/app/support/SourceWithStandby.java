package io.pipewright.app.support;

import io.pipewright.localstack.HbaPolicy;
import io.pipewright.localstack.PostgresServer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A source of its own for a failover: a PostgreSQL 17 primary with a streaming standby that syncs its failover slots,
 * commits acknowledged only once the standby has them (synchronous_standby_names), and a table of numbered rows.
 */
public final class SourceWithStandby implements AutoCloseable {

    public static final String DATABASE = "defaultdb";
    public static final String TABLE = "numbered";

    public final PostgresServer primary;
    public final PostgresServer standby;

    private SourceWithStandby(PostgresServer primary, PostgresServer standby) {
        this.primary = primary;
        this.standby = standby;
    }

    public static SourceWithStandby start(Path directory, Path workDirectory) {
        return start(directory, workDirectory, Map.of());
    }

    /** With extra postgresql.conf settings on both nodes (e.g. a statement log). */
    public static SourceWithStandby start(Path directory, Path workDirectory, Map<String, String> settings) {
        PostgresServer.Builder builder = PostgresServer.builder().name("failover-primary-" + directory.getFileName())
                .dataDirectory(directory.resolve("primary")).workDirectory(workDirectory)
                .hbaPolicy(HbaPolicy.SUPERUSER_ONLY);
        settings.forEach(builder::setting);
        PostgresServer primary = builder.start();
        try {
            primary.createDatabase(DATABASE);
            primary.execute(DATABASE, "CREATE TABLE " + TABLE + " (n bigint PRIMARY KEY, written_at timestamptz "
                    + "NOT NULL DEFAULT clock_timestamp())");
            PostgresServer standby = primary.createStandby(directory.resolve("standby"));
            // Set on the primary only, after the copy: the promoted standby must not wait for a standby of its own.
            primary.synchronizeFailoverSlotsWith(standby);
            primary.execute("postgres", "ALTER SYSTEM SET synchronous_standby_names = '"
                    + standby.standbySlotName().orElseThrow() + "'; SELECT pg_reload_conf()");
            return new SourceWithStandby(primary, standby);
        } catch (RuntimeException e) {
            primary.stop();
            throw e;
        }
    }

    /** The registration of this source: both hosts, the standby as such, pg_hba.conf managed through the file. */
    public Map<String, Object> registration(String name) {
        return Map.of("name", name, "database_type", "postgresql", "version", "17", "zone", "local",
                "postgresql", Map.of(
                        "hosts", List.of(
                                Map.of("host", primary.host(), "port", primary.port(), "role", "primary"),
                                Map.of("host", standby.host(), "port", standby.port(), "role", "standby")),
                        "admin_user", primary.superuser(), "admin_password", primary.superuserPassword(),
                        "hba_management", "file"));
    }

    public List<PostgresServer> nodes() {
        return List.of(primary, standby);
    }

    @Override
    public void close() {
        standby.stop();
        primary.stop();
    }
}
