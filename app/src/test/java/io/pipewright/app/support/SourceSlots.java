package io.pipewright.app.support;

import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** What a test asks a source about its replication slots and its pipelines' sessions, as the superuser. */
public final class SourceSlots {

    private SourceSlots() {
    }

    public static boolean exists(PostgresServer source, String slot) throws SQLException {
        try (Connection connection = source.connect(LocalStack.SOURCE_DATABASE);
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
            statement.setString(1, slot);
            try (ResultSet found = statement.executeQuery()) {
                return found.next();
            }
        }
    }

    /** Ends every session of {@code role}, its walsender included. */
    public static void terminateSessionsOf(PostgresServer source, String role) throws SQLException {
        try (Connection connection = source.connect(LocalStack.SOURCE_DATABASE);
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ?")) {
            statement.setString(1, role);
            statement.execute();
        }
    }
}
