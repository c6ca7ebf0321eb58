package io.pipewright.adapters.provisioning;

import static io.pipewright.adapters.postgres.SourceAdmin.quote;
import static io.pipewright.adapters.postgres.SourceAdmin.quoteTable;

import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.ProvisioningStep;
import io.pipewright.sagas.provisioning.StepFailed;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * create_publication: a publication owned by the platform and scoped to the table filter. PostgreSQL has no
 * CREATE PUBLICATION IF NOT EXISTS and two creators race, so it is created or converged under an advisory lock.
 * Before publishing, every table must keep the application's UPDATE and DELETE working: a table without a primary
 * key and with the default replica identity would refuse them once published. So it is never FOR ALL TABLES (a keyless
 * table created later would be published at once): a pipeline that captures all tables publishes the explicit list of
 * the tables that have a replica identity, and the others are recorded as not captured.
 */
@Component
class PublicationStep implements ProvisioningStep, PublicationUpkeep {

    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final SourceAdmin admin;
    private final ReplicaIdentityChanges identityChanges;
    private final UncapturedTables uncapturedTables;

    PublicationStep(SourceAdmin admin, ReplicaIdentityChanges identityChanges, UncapturedTables uncapturedTables) {
        this.admin = admin;
        this.identityChanges = identityChanges;
        this.uncapturedTables = uncapturedTables;
    }

    @Override
    public ProvisionStep step() {
        return ProvisionStep.CREATE_PUBLICATION;
    }

    @Override
    public String converge(PipelineSpec pipeline) {
        converge(pipeline, true);
        return pipeline.sourceResourceName();
    }

    /** Nothing when the publication is gone (its pipeline is being deleted). */
    @Override
    public void refresh(PipelineSpec pipeline) {
        converge(pipeline, false);
    }

    private void converge(PipelineSpec pipeline, boolean createIfMissing) {
        String publication = pipeline.sourceResourceName();
        String database = pipeline.config().databaseName();
        try (Connection connection = admin.connect(pipeline.source().postgres(),
                admin.primary(pipeline.source().postgres()), database)) {
            for (String table : pipeline.config().tables()) {
                ReplicationRole.requireTable(connection, table, database);
            }
            List<String> published = new ArrayList<>();
            List<String> uncaptured = new ArrayList<>();
            for (String table : tablesToPublish(connection, pipeline)) {
                (keepUpdatableOncePublished(connection, pipeline, table) ? published : uncaptured).add(table);
            }
            connection.setAutoCommit(false);
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_advisory_xact_lock(hashtext('publication " + publication + "'))");
                Optional<Boolean> allTables = publishesAllTables(connection, publication);
                if (allTables.isEmpty() && !createIfMissing) {
                    connection.rollback();
                    return;
                }
                if (allTables.orElse(false)) {
                    // Left by an older version: FOR ALL TABLES cannot be narrowed, only replaced.
                    statement.execute("DROP PUBLICATION " + quote(publication));
                }
                if (allTables.isEmpty() || allTables.get()) {
                    statement.execute("CREATE PUBLICATION " + quote(publication)
                            + (published.isEmpty() ? "" : " FOR TABLE " + tableList(published)));
                } else {
                    Set<String> current = publishedTables(connection, publication);
                    if (!current.equals(Set.copyOf(published))) {
                        statement.execute(published.isEmpty()
                                ? "ALTER PUBLICATION " + quote(publication) + " DROP TABLE " + tableList(current)
                                : "ALTER PUBLICATION " + quote(publication) + " SET TABLE " + tableList(published));
                    }
                }
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
            uncapturedTables.record(pipeline, uncaptured);
        } catch (SQLException e) {
            if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw new StepFailed("the admin user may not create the publication: " + e.getMessage());
            }
            throw new IllegalStateException("creating the publication failed: " + e.getMessage(), e);
        }
    }

    /**
     * The listed tables, or for all tables every permanent table of the database's own schemas (temporary and
     * unlogged tables cannot be published).
     */
    private static List<String> tablesToPublish(Connection connection, PipelineSpec pipeline) throws SQLException {
        if (!pipeline.config().capturesAllTables()) {
            return pipeline.config().tables();
        }
        List<String> tables = new ArrayList<>();
        try (Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery("""
                     SELECT n.nspname || '.' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                     WHERE c.relkind IN ('r', 'p') AND c.relpersistence = 'p'
                       AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
                     ORDER BY 1""")) {
            while (rows.next()) {
                tables.add(rows.getString(1));
            }
        }
        return tables;
    }

    private static String tableList(Collection<String> tables) {
        return tables.stream().map(SourceAdmin::quoteTable).collect(Collectors.joining(", "));
    }

    /**
     * A table without a primary key and with replica identity DEFAULT or NOTHING would refuse the application's
     * UPDATE and DELETE once published. If the pipeline asked for REPLICA IDENTITY FULL, the table gets it; else a
     * listed table is refused, and for all tables it is left out (false).
     */
    private boolean keepUpdatableOncePublished(Connection connection, PipelineSpec pipeline, String table)
            throws SQLException {
        String identity;
        boolean hasKey;
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT c.relreplident::text,
                       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS has_key
                FROM pg_class c WHERE c.oid = to_regclass(?)""")) {
            query.setString(1, quoteTable(table));
            try (ResultSet rows = query.executeQuery()) {
                if (!rows.next()) {
                    return false;
                }
                identity = rows.getString(1);
                hasKey = rows.getBoolean("has_key");
            }
        }
        if (!"n".equals(identity) && !("d".equals(identity) && !hasKey)) {
            return true;
        }
        if (!pipeline.config().replicaIdentityFull()) {
            if (pipeline.config().capturesAllTables()) {
                return false;
            }
            throw new StepFailed("table " + table + " has no primary key and replica identity "
                    + ("n".equals(identity) ? "NOTHING" : "DEFAULT")
                    + ": publishing it would make the application's UPDATE and DELETE on it fail; add a primary key, "
                    + "or create the pipeline with config.replica_identity_full true");
        }
        identityChanges.recordBeforeChanging(pipeline, table, identity);
        try (Statement statement = connection.createStatement()) {
            statement.execute("ALTER TABLE " + quoteTable(table) + " REPLICA IDENTITY FULL");
        }
        return true;
    }

    /** Gives back the identities this pipeline changed, unless another pipeline still publishes the table. */
    private void restoreReplicaIdentities(Connection connection, PipelineSpec pipeline) throws SQLException {
        for (ReplicaIdentityChanges.Change change : identityChanges.of(pipeline)) {
            Optional<UUID> heir = otherPipelinePublishing(connection, change.table());
            if (heir.isPresent()) {
                identityChanges.handOver(pipeline, change.table(), heir.get());
                continue;
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("ALTER TABLE " + quoteTable(change.table()) + " REPLICA IDENTITY "
                        + ("n".equals(change.previousIdentity()) ? "NOTHING" : "DEFAULT"));
            }
            identityChanges.forget(pipeline, change.table());
        }
    }

    private static Optional<UUID> otherPipelinePublishing(Connection connection, String table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT pubname FROM pg_publication_tables
                WHERE schemaname || '.' || tablename = ? AND pubname LIKE 'pipewright\\_%'""")) {
            query.setString(1, table);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String hex = rows.getString(1).substring("pipewright_".length());
                    if (hex.length() == 32) {
                        return Optional.of(UUID.fromString(hex.replaceFirst(
                                "(\\p{XDigit}{8})(\\p{XDigit}{4})(\\p{XDigit}{4})(\\p{XDigit}{4})(\\p{XDigit}+)",
                                "$1-$2-$3-$4-$5")));
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** Empty when the publication does not exist; else whether it is FOR ALL TABLES. */
    private static Optional<Boolean> publishesAllTables(Connection connection, String publication)
            throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT puballtables FROM pg_publication WHERE pubname = ?")) {
            query.setString(1, publication);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(rows.getBoolean(1)) : Optional.empty();
            }
        }
    }

    private static Set<String> publishedTables(Connection connection, String publication) throws SQLException {
        Set<String> tables = new HashSet<>();
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = ?")) {
            query.setString(1, publication);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    tables.add(rows.getString(1));
                }
            }
        }
        return tables;
    }

    @Override
    public void remove(PipelineSpec pipeline) {
        String database = pipeline.config().databaseName();
        try (Connection connection = admin.connect(pipeline.source().postgres(),
                admin.primary(pipeline.source().postgres()), database);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP PUBLICATION IF EXISTS " + quote(pipeline.sourceResourceName()));
            restoreReplicaIdentities(connection, pipeline);
            uncapturedTables.forget(pipeline);
        } catch (SQLException e) {
            if (!SourceAdmin.UNKNOWN_DATABASE.equals(e.getSQLState())) {
                throw new IllegalStateException("dropping the publication failed: " + e.getMessage(), e);
            }
        }
    }
}
