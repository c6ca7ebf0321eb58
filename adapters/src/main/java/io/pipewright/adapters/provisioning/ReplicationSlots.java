package io.pipewright.adapters.provisioning;

import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.kernel.service.PostgresEndpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * The pipeline's logical replication slot on the primary. Debezium creates it; nobody else drops it, and a slot left
 * behind keeps WAL on the source forever.
 */
@Component
class ReplicationSlots {

    private static final Duration RELEASE_WITHIN = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(200);

    private final SourceAdmin admin;

    ReplicationSlots(SourceAdmin admin) {
        this.admin = admin;
    }

    /** Waits for the slot's walsender to end, ends it if it lingers, then drops the slot. */
    void drop(PostgresEndpoint source, String slot) {
        try (Connection connection = admin.connect(source, admin.primary(source), source.adminDatabase())) {
            Instant deadline = Instant.now().plus(RELEASE_WITHIN);
            Long activePid = activePid(connection, slot);
            while (activePid != null && activePid > 0 && Instant.now().isBefore(deadline)) {
                Waiting.pause(POLL, "a slot to be released");
                activePid = activePid(connection, slot);
            }
            if (activePid == null) {
                return;
            }
            if (activePid > 0) {
                execute(connection, "SELECT pg_terminate_backend(?::int)", activePid);
            }
            execute(connection, """
                    SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
                    WHERE slot_name = ? AND NOT active""", slot);
            if (activePid(connection, slot) != null) {
                throw new IllegalStateException("replication slot " + slot + " is still there; retrying");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("dropping replication slot " + slot + " failed: " + e.getMessage(), e);
        }
    }

    /** The walsender's pid, 0 for an inactive slot, null when there is no slot. */
    private static Long activePid(Connection connection, String slot) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT coalesce(active_pid, 0) FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, slot);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getLong(1) : null;
            }
        }
    }

    private static void execute(Connection connection, String sql, Object parameter) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, parameter);
            statement.executeQuery().close();
        }
    }
}
