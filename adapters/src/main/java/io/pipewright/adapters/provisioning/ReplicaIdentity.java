package io.pipewright.adapters.provisioning;

import static io.pipewright.adapters.postgres.SourceAdmin.quoteTable;

import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.kernel.pipeline.ResourceNames;
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
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The replica identities a pipeline that asked for {@code replica_identity_full} changed to FULL on the captured
 * tables of its source's primary: a table without a primary key and with identity DEFAULT or NOTHING would refuse the
 * application's UPDATE and DELETE once published. Each change is recorded in the control plane
 * ({@link ReplicaIdentityChanges}) before it is made, so the removal gives every table the identity it had, unless
 * another pipeline still publishes it, which then takes the record over. Converged before the {@link Publication},
 * removed after it.
 */
@Component
class ReplicaIdentity implements PipelineResource<List<String>> {

    static final String KIND = "replica_identity";
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    /** A table's {@code relreplident} ({@code d}, {@code n}, {@code f} or {@code i}) and whether it has a key. */
    record Identity(String identity, boolean hasKey) {

        /** Published as it is, the table would refuse UPDATE and DELETE. */
        boolean refusesUpdatesOncePublished() {
            return "n".equals(identity) || ("d".equals(identity) && !hasKey);
        }
    }

    private final SourceAdmin admin;
    private final ReplicaIdentityChanges changes;

    ReplicaIdentity(SourceAdmin admin, ReplicaIdentityChanges changes) {
        this.admin = admin;
        this.changes = changes;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /**
     * The tables that may need FULL: none unless the pipeline asked for it; the listed ones if it did, or none listed
     * for every table (which of them lack a key is seen only when converging).
     */
    @Override
    public List<String> desired(PipelineSpec pipeline) {
        return pipeline.config().replicaIdentityFull() ? pipeline.config().tables() : List.of();
    }

    /** The tables whose identity this pipeline changed and will give back, as the control plane recorded them. */
    @Override
    public Optional<List<String>> observe(PipelineSpec pipeline) {
        List<String> tables = changes.of(pipeline).stream().map(ReplicaIdentityChanges.Change::table).sorted()
                .toList();
        return tables.isEmpty() ? Optional.empty() : Optional.of(tables);
    }

    /** FULL for each table to publish that would refuse updates, recorded first; returns how many there are. */
    @Override
    public String converge(PipelineSpec pipeline) {
        if (!pipeline.config().replicaIdentityFull()) {
            return "replica identities unchanged";
        }
        String database = pipeline.config().databaseName();
        int changed = 0;
        try (Connection connection = admin.connect(pipeline.source().postgres(),
                admin.primary(pipeline.source().postgres()), database)) {
            for (String table : pipeline.config().tables()) {
                ReplicationRole.requireTable(connection, table, database);
            }
            for (String table : Publication.tablesToPublish(connection, pipeline)) {
                Optional<Identity> identity = identity(connection, table);
                if (identity.isPresent() && identity.get().refusesUpdatesOncePublished()) {
                    changes.recordBeforeChanging(pipeline, table, identity.get().identity());
                    try (Statement statement = connection.createStatement()) {
                        statement.execute("ALTER TABLE " + quoteTable(table) + " REPLICA IDENTITY FULL");
                    }
                    changed++;
                }
            }
        } catch (SQLException e) {
            if (INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw new StepFailed("the admin user may not change a table's replica identity: " + e.getMessage());
            }
            throw new IllegalStateException("setting replica identities failed: " + e.getMessage(), e);
        }
        return "replica identity FULL set on " + changed + " tables";
    }

    /**
     * Gives back the identities this pipeline changed, unless another pipeline still publishes the table (the
     * pipeline's own publication is gone by then). A database dropped meanwhile took its tables with it.
     */
    @Override
    public void remove(PipelineSpec pipeline) {
        try (Connection connection = admin.connect(pipeline.source().postgres(),
                admin.primary(pipeline.source().postgres()), pipeline.config().databaseName())) {
            for (ReplicaIdentityChanges.Change change : changes.of(pipeline)) {
                Optional<UUID> heir = otherPipelinePublishing(connection, change.table());
                if (heir.isPresent()) {
                    changes.handOver(pipeline, change.table(), heir.get());
                    continue;
                }
                try (Statement statement = connection.createStatement()) {
                    statement.execute("ALTER TABLE " + quoteTable(change.table()) + " REPLICA IDENTITY "
                            + ("n".equals(change.previousIdentity()) ? "NOTHING" : "DEFAULT"));
                }
                changes.forget(pipeline, change.table());
            }
        } catch (SQLException e) {
            if (!SourceAdmin.UNKNOWN_DATABASE.equals(e.getSQLState())) {
                throw new IllegalStateException("restoring replica identities failed: " + e.getMessage(), e);
            }
        }
    }

    /**
     * None: a replica identity carries no tag on the source (ALTER TABLE leaves no trace of who ran it), and what a
     * pipeline changed is recorded in the control plane, where its teardown finds it.
     */
    @Override
    public List<TaggedResource> discoverTagged(ServiceRecord service) {
        return List.of();
    }

    /** The table's identity, or empty when there is no such table. */
    static Optional<Identity> identity(Connection connection, String table) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT c.relreplident::text,
                       EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary) AS has_key
                FROM pg_class c WHERE c.oid = to_regclass(?)""")) {
            query.setString(1, quoteTable(table));
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(new Identity(rows.getString(1), rows.getBoolean("has_key")))
                        : Optional.empty();
            }
        }
    }

    private static Optional<UUID> otherPipelinePublishing(Connection connection, String table) throws SQLException {
        List<String> publications = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT pubname FROM pg_publication_tables
                WHERE schemaname || '.' || tablename = ? AND pubname ~ ?""")) {
            query.setString(1, table);
            query.setString(2, ResourceNames.SOURCE_RESOURCE_REGEX);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    publications.add(rows.getString(1));
                }
            }
        }
        return publications.stream().map(ResourceNames::pipelineIdOfSourceResource).flatMap(Optional::stream)
                .findFirst();
    }
}
