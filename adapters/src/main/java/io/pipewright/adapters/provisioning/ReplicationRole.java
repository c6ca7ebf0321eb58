package io.pipewright.adapters.provisioning;

import static io.pipewright.adapters.postgres.SourceAdmin.quote;
import static io.pipewright.adapters.postgres.SourceAdmin.quoteTable;

import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.StepFailed;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The pipeline's own role on the source: LOGIN REPLICATION with a generated password, CONNECT on the database and
 * SELECT on the captured tables (for the snapshot). Converging re-applies all of it; GRANT of a held privilege is a
 * no-op in PostgreSQL.
 */
@Component
class ReplicationRole {

    private final SourceAdmin admin;
    private final ConnectorCredentials credentials;

    ReplicationRole(SourceAdmin admin, ConnectorCredentials credentials) {
        this.admin = admin;
        this.credentials = credentials;
    }

    String converge(PipelineSpec pipeline) throws SQLException {
        String role = pipeline.sourceResourceName();
        String database = pipeline.config().databaseName();
        try (Connection connection = admin.connect(pipeline.source().postgres(),
                admin.primary(pipeline.source().postgres()), database);
             Statement statement = connection.createStatement()) {
            for (String table : pipeline.config().tables()) {
                requireTable(connection, table, database);
            }
            String password = credentials.password(pipeline);
            String verb = exists(connection, role) ? "ALTER" : "CREATE";
            statement.execute(verb + " ROLE " + quote(role) + " LOGIN REPLICATION PASSWORD '" + password + "'");
            statement.execute("GRANT CONNECT ON DATABASE " + quote(database) + " TO " + quote(role));
            for (String schema : schemas(connection, pipeline)) {
                statement.execute("GRANT USAGE ON SCHEMA " + quote(schema) + " TO " + quote(role));
                if (pipeline.config().capturesAllTables()) {
                    statement.execute("GRANT SELECT ON ALL TABLES IN SCHEMA " + quote(schema) + " TO " + quote(role));
                }
            }
            for (String table : pipeline.config().tables()) {
                statement.execute("GRANT SELECT ON TABLE " + quoteTable(table) + " TO " + quote(role));
            }
        }
        return role;
    }

    /**
     * No more logins, no sessions left, no privileges (in the captured database and on the database itself), no role,
     * and its password erased from the vault.
     * DROP OWNED revokes what was granted, which leaves the ACLs as PostgreSQL's defaults describe them.
     */
    void remove(PipelineSpec pipeline) throws SQLException {
        String role = pipeline.sourceResourceName();
        try (Connection connection = admin.connect(pipeline.source().postgres(),
                admin.primary(pipeline.source().postgres()), pipeline.config().databaseName());
             Statement statement = connection.createStatement()) {
            if (exists(connection, role)) {
                statement.execute("ALTER ROLE " + quote(role) + " NOLOGIN");
                try (PreparedStatement sessions = connection.prepareStatement(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ?")) {
                    sessions.setString(1, role);
                    sessions.executeQuery().close();
                }
                statement.execute("DROP OWNED BY " + quote(role));
                statement.execute("DROP ROLE " + quote(role));
            }
        } catch (SQLException e) {
            if (!SourceAdmin.UNKNOWN_DATABASE.equals(e.getSQLState())) {
                throw e;
            }
        }
        credentials.forget(pipeline);
    }

    private static boolean exists(Connection connection, String role) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_roles WHERE rolname = ?")) {
            query.setString(1, role);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    static void requireTable(Connection connection, String table, String database) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            query.setString(1, quoteTable(table));
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                if (!rows.getBoolean(1)) {
                    throw new StepFailed("table " + table + " does not exist in database " + database);
                }
            }
        }
    }

    private static List<String> schemas(Connection connection, PipelineSpec pipeline) throws SQLException {
        List<String> schemas = new ArrayList<>();
        if (!pipeline.config().capturesAllTables()) {
            pipeline.config().tables().stream().map(table -> table.substring(0, table.indexOf('.'))).distinct()
                    .forEach(schemas::add);
            return schemas;
        }
        try (Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery("""
                     SELECT nspname FROM pg_namespace
                     WHERE nspname NOT IN ('pg_catalog', 'information_schema') AND nspname NOT LIKE 'pg\\_%'""")) {
            while (rows.next()) {
                schemas.add(rows.getString(1));
            }
        }
        return schemas;
    }
}
