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
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The publication of create_publication: owned by the platform, in the captured database on the primary, named
 * {@code pipewright_<id>} ({@link ResourceNames#sourceResource}) and scoped to the table filter. PostgreSQL has no
 * CREATE PUBLICATION IF NOT EXISTS and two creators race, so it is created or converged under an advisory lock.
 * Before publishing, every table must keep the application's UPDATE and DELETE working: a table without a primary
 * key and with the default replica identity would refuse them once published (the pipeline's
 * {@link ReplicaIdentity}, converged before, gives such tables FULL when the pipeline asked for it). So it is never
 * FOR ALL TABLES (a keyless table created later would be published at once): a pipeline that captures all tables
 * publishes the explicit list of the tables that have a replica identity, and the others are recorded as not captured.
 */
@Component
class Publication implements PipelineResource<Publication.State>, PublicationUpkeep {

    /** A publication and the tables it publishes ({@code schema.table}); none desired means every publishable one. */
    record State(String name, String database, List<String> tables) {
    }

    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private final SourceAdmin admin;
    private final ReplicaIdentity replicaIdentity;
    private final UncapturedTables uncapturedTables;

    Publication(SourceAdmin admin, ReplicaIdentity replicaIdentity, UncapturedTables uncapturedTables) {
        this.admin = admin;
        this.replicaIdentity = replicaIdentity;
        this.uncapturedTables = uncapturedTables;
    }

    @Override
    public String kind() {
        return TaggedResource.PUBLICATION;
    }

    @Override
    public State desired(PipelineSpec pipeline) {
        return new State(pipeline.sourceResourceName(), pipeline.config().databaseName(), pipeline.config().tables());
    }

    @Override
    public Optional<State> observe(PipelineSpec pipeline) {
        String database = pipeline.config().databaseName();
        try (Connection connection = admin.connect(pipeline.source().postgres(),
                admin.primary(pipeline.source().postgres()), database)) {
            if (publishesAllTables(connection, pipeline.sourceResourceName()).isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new State(pipeline.sourceResourceName(), database,
                    publishedTables(connection, pipeline.sourceResourceName()).stream().sorted().toList()));
        } catch (SQLException e) {
            if (SourceAdmin.UNKNOWN_DATABASE.equals(e.getSQLState())) {
                return Optional.empty();
            }
            throw new IllegalStateException("reading the publication failed: " + e.getMessage(), e);
        }
    }

    @Override
    public String converge(PipelineSpec pipeline) {
        converge(pipeline, true);
        return pipeline.sourceResourceName();
    }

    /**
     * The replica identities first, as create_publication converges them; nothing when the publication is gone (its
     * pipeline is being deleted).
     */
    @Override
    public void refresh(PipelineSpec pipeline) {
        replicaIdentity.converge(pipeline);
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
    static List<String> tablesToPublish(Connection connection, PipelineSpec pipeline) throws SQLException {
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
     * UPDATE and DELETE once published. Such a listed table is refused unless the pipeline asked for REPLICA IDENTITY
     * FULL (which {@link ReplicaIdentity} gave it); for all tables it is left out (false), as is one created since
     * the identities were converged.
     */
    private static boolean keepUpdatableOncePublished(Connection connection, PipelineSpec pipeline, String table)
            throws SQLException {
        Optional<ReplicaIdentity.Identity> identity = ReplicaIdentity.identity(connection, table);
        if (identity.isEmpty()) {
            return false;
        }
        if (!identity.get().refusesUpdatesOncePublished()) {
            return true;
        }
        if (pipeline.config().replicaIdentityFull() || pipeline.config().capturesAllTables()) {
            return false;
        }
        throw new StepFailed("table " + table + " has no primary key and replica identity "
                + ("n".equals(identity.get().identity()) ? "NOTHING" : "DEFAULT")
                + ": publishing it would make the application's UPDATE and DELETE on it fail; add a primary key, "
                + "or create the pipeline with config.replica_identity_full true");
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

    /** The publication, then the record of tables it left out; a database dropped meanwhile took it with it. */
    @Override
    public void remove(PipelineSpec pipeline) {
        String database = pipeline.config().databaseName();
        try (Connection connection = admin.connect(pipeline.source().postgres(),
                admin.primary(pipeline.source().postgres()), database);
             Statement statement = connection.createStatement()) {
            statement.execute("DROP PUBLICATION IF EXISTS " + quote(pipeline.sourceResourceName()));
            uncapturedTables.forget(pipeline);
        } catch (SQLException e) {
            if (!SourceAdmin.UNKNOWN_DATABASE.equals(e.getSQLState())) {
                throw new IllegalStateException("dropping the publication failed: " + e.getMessage(), e);
            }
        }
    }

    /** The publications named as Pipewright names them, in every database of the primary. */
    @Override
    public List<TaggedResource> discoverTagged(ServiceRecord service) {
        PostgresEndpoint source = service.postgres();
        if (source == null) {
            return List.of();
        }
        PostgresNode primary = admin.primary(source);
        List<TaggedResource> found = new ArrayList<>();
        try (Connection connection = admin.connect(source, primary, source.adminDatabase())) {
            for (String database : SourceCatalog.databases(connection)) {
                try (Connection inDatabase = admin.connect(source, primary, database)) {
                    for (String publication : SourceCatalog.names(inDatabase,
                            "SELECT pubname FROM pg_publication WHERE pubname ~ ?",
                            ResourceNames.SOURCE_RESOURCE_REGEX)) {
                        found.add(new TaggedResource(TaggedResource.PUBLICATION, publication,
                                SourceCatalog.nodeName(primary), database,
                                ResourceNames.pipelineIdOfSourceResource(publication).orElse(null)));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list the source's publications: " + e.getMessage(), e);
        }
        return found;
    }

    /** A name Pipewright did not make is refused. */
    @Override
    public void removeTagged(ServiceRecord service, TaggedResource resource) {
        SourceCatalog.requirePipewrightName(resource, "publication");
        PostgresEndpoint source = service.postgres();
        try (Connection connection = admin.connect(source, admin.primary(source), resource.database());
             Statement statement = connection.createStatement()) {
            statement.execute("DROP PUBLICATION IF EXISTS " + quote(resource.name()));
        } catch (SQLException e) {
            throw new IllegalStateException("removing publication " + resource.name() + " failed: " + e.getMessage(),
                    e);
        }
    }
}
