package io.pipewright.adapters.provisioning;

import static io.pipewright.adapters.postgres.SourceAdmin.quote;
import static io.pipewright.adapters.postgres.SourceAdmin.quoteTable;

import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.kernel.pipeline.ResourceNames;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.sagas.orphans.TaggedResource;
import io.pipewright.sagas.provisioning.PipelineResource;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.ServiceRecord;
import io.pipewright.sagas.provisioning.StepFailed;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The pipeline's own role on the source: LOGIN REPLICATION with a generated password, CONNECT on the database and
 * SELECT on the captured tables (for the snapshot). Converging re-applies all of it; GRANT of a held privilege is a
 * no-op in PostgreSQL. The password reaches the source only as a SCRAM-SHA-256 verifier computed here, so the
 * source's statement log and pg_stat_statements never see it. Lives on the source's primary, named
 * {@code pipewright_<id>} ({@link ResourceNames#sourceResource}).
 */
@Component
class ReplicationRole implements PipelineResource<ReplicationRole.Role> {

    /** A role as Pipewright cares about it: its name, whether it may log in and whether it may replicate. */
    record Role(String name, boolean login, boolean replication) {
    }

    /** SQLSTATE of a DROP ROLE refused because something still refers to the role (e.g. in another database). */
    private static final String DEPENDENT_OBJECTS_STILL_EXIST = "2BP01";
    private static final Logger LOG = LoggerFactory.getLogger(ReplicationRole.class);

    private final SourceAdmin admin;
    private final ConnectorCredentials credentials;

    ReplicationRole(SourceAdmin admin, ConnectorCredentials credentials) {
        this.admin = admin;
        this.credentials = credentials;
    }

    @Override
    public String kind() {
        return TaggedResource.ROLE;
    }

    @Override
    public Role desired(PipelineSpec pipeline) {
        return new Role(pipeline.sourceResourceName(), true, true);
    }

    @Override
    public Optional<Role> observe(PipelineSpec pipeline) {
        return SourceCatalog.findOnPrimary(admin, pipeline.source().postgres(),
                "SELECT rolname, rolcanlogin, rolreplication FROM pg_roles WHERE rolname = ?",
                pipeline.sourceResourceName(), row -> new Role(row.getString(1), row.getBoolean(2), row.getBoolean(3)),
                "the source's roles");
    }

    @Override
    public String converge(PipelineSpec pipeline) {
        try {
            return createOrAlter(pipeline);
        } catch (SQLException e) {
            throw new IllegalStateException("preparing the source failed: " + e.getMessage(), e);
        }
    }

    private String createOrAlter(PipelineSpec pipeline) throws SQLException {
        String role = pipeline.sourceResourceName();
        String database = pipeline.config().databaseName();
        try (Connection connection = admin.connect(pipeline.source().postgres(),
                admin.primary(pipeline.source().postgres()), database);
             Statement statement = connection.createStatement()) {
            for (String table : pipeline.config().tables()) {
                requireTable(connection, table, database);
            }
            String verb = exists(connection, role) ? "ALTER" : "CREATE";
            statement.execute(verb + " ROLE " + quote(role) + " LOGIN REPLICATION");
            setPassword(connection, role, credentials.password(pipeline));
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
     * and then its password erased from the vault. DROP OWNED revokes what was granted, which leaves the ACLs as
     * PostgreSQL's defaults describe them. A captured database dropped meanwhile took its grants with it: the role is
     * dropped from the admin database then. A role that cannot be dropped (someone granted it something elsewhere)
     * is left to the orphan sweep, which reports it, and keeps its password until it is really gone.
     */
    @Override
    public void remove(PipelineSpec pipeline) {
        try {
            drop(pipeline);
        } catch (SQLException e) {
            throw new IllegalStateException("cleaning the source failed: " + e.getMessage(), e);
        }
    }

    private void drop(PipelineSpec pipeline) throws SQLException {
        String role = pipeline.sourceResourceName();
        PostgresEndpoint source = pipeline.source().postgres();
        PostgresNode primary = admin.primary(source);
        try (Connection connection = connectToCapturedOrAdminDatabase(pipeline, primary);
             Statement statement = connection.createStatement()) {
            if (exists(connection, role)) {
                statement.execute("ALTER ROLE " + quote(role) + " NOLOGIN");
                try (PreparedStatement sessions = connection.prepareStatement(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = ?")) {
                    sessions.setString(1, role);
                    sessions.executeQuery().close();
                }
                statement.execute("DROP OWNED BY " + quote(role));
                try {
                    statement.execute("DROP ROLE " + quote(role));
                } catch (SQLException e) {
                    if (!DEPENDENT_OBJECTS_STILL_EXIST.equals(e.getSQLState())) {
                        throw e;
                    }
                    LOG.warn("Role {} of pipeline {} cannot be dropped and is left as an orphan: {}", role,
                            pipeline.pipelineId(), e.getMessage());
                    return;
                }
            }
        }
        credentials.forget(pipeline);
    }

    /** The roles named as Pipewright names them, on the primary (roles are the cluster's, not a database's). */
    @Override
    public List<TaggedResource> discoverTagged(ServiceRecord service) {
        return SourceCatalog.discoverOnPrimary(admin, service, TaggedResource.ROLE,
                "SELECT rolname FROM pg_roles WHERE rolname ~ ?", "roles");
    }

    /**
     * As a teardown does, but its grants revoked in every database: which one it was given is not known. Then the
     * password a teardown kept for a role it could not drop is erased. A name Pipewright did not make is refused.
     */
    @Override
    public void removeTagged(ServiceRecord service, TaggedResource resource) {
        SourceCatalog.requirePipewrightName(resource, "role");
        try {
            dropEverywhere(service.postgres(), resource.name());
        } catch (SQLException e) {
            throw new IllegalStateException("removing role " + resource.name() + " failed: " + e.getMessage(), e);
        }
        if (resource.pipelineId() != null) {
            credentials.forget(resource.pipelineId());
        }
    }

    private void dropEverywhere(PostgresEndpoint source, String role) throws SQLException {
        PostgresNode primary = admin.primary(source);
        try (Connection connection = admin.connect(source, primary, source.adminDatabase());
             Statement statement = connection.createStatement()) {
            if (!exists(connection, role)) {
                return;
            }
            statement.execute("ALTER ROLE " + quote(role) + " NOLOGIN");
            SourceCatalog.names(connection,
                    "SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity WHERE usename = ?", role);
            for (String database : SourceCatalog.databases(connection)) {
                try (Connection inDatabase = admin.connect(source, primary, database);
                     Statement dropOwned = inDatabase.createStatement()) {
                    dropOwned.execute("DROP OWNED BY " + quote(role));
                }
            }
            statement.execute("DROP ROLE " + quote(role));
        }
    }

    private Connection connectToCapturedOrAdminDatabase(PipelineSpec pipeline, PostgresNode primary)
            throws SQLException {
        PostgresEndpoint source = pipeline.source().postgres();
        try {
            return admin.connect(source, primary, pipeline.config().databaseName());
        } catch (SQLException e) {
            if (!SourceAdmin.UNKNOWN_DATABASE.equals(e.getSQLState())) {
                throw e;
            }
            return admin.connect(source, primary, source.adminDatabase());
        }
    }

    /**
     * Sends a SCRAM-SHA-256 verifier computed on this side ({@code ALTER USER .. PASSWORD 'SCRAM-SHA-256$...'}), never
     * the password itself.
     */
    private static void setPassword(Connection connection, String role, String password) throws SQLException {
        char[] characters = password.toCharArray();
        try {
            connection.unwrap(PGConnection.class).alterUserPassword(role, characters, "scram-sha-256");
        } finally {
            Arrays.fill(characters, '\0');
        }
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
