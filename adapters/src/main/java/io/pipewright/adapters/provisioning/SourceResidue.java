package io.pipewright.adapters.provisioning;

import static io.pipewright.adapters.postgres.SourceAdmin.quote;

import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.sagas.orphans.TaggedResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Pipewright's tagged resources on a source, whichever pipeline made them: roles and replication slots on the primary,
 * publications in each of its databases, pg_hba.conf lines on every node that answers.
 */
@Component
class SourceResidue {

    private static final String TAGGED_NAME = "^pipewright_[0-9a-f]{32}$";
    private static final Logger LOG = LoggerFactory.getLogger(SourceResidue.class);

    private final SourceAdmin admin;
    private final HbaEntry hba;
    private final ReplicationSlots slots;
    private final ConnectorCredentials credentials;

    SourceResidue(SourceAdmin admin, HbaEntry hba, ReplicationSlots slots, ConnectorCredentials credentials) {
        this.admin = admin;
        this.hba = hba;
        this.slots = slots;
        this.credentials = credentials;
    }

    List<TaggedResource> find(PostgresEndpoint source) {
        PostgresNode primary = admin.primary(source);
        String primaryName = name(primary);
        List<TaggedResource> found = new ArrayList<>();
        try (Connection connection = admin.connect(source, primary, source.adminDatabase())) {
            for (String role : names(connection, "SELECT rolname FROM pg_roles WHERE rolname ~ ?")) {
                found.add(new TaggedResource(TaggedResource.ROLE, role, primaryName, null, TaggedResource.idInName(role)));
            }
            for (String slot : names(connection, "SELECT slot_name FROM pg_replication_slots WHERE slot_name ~ ?")) {
                found.add(new TaggedResource(TaggedResource.REPLICATION_SLOT, slot, primaryName, null,
                        TaggedResource.idInName(slot)));
            }
            for (String database : databases(connection)) {
                try (Connection inDatabase = admin.connect(source, primary, database)) {
                    for (String publication : names(inDatabase, "SELECT pubname FROM pg_publication WHERE pubname ~ ?")) {
                        found.add(new TaggedResource(TaggedResource.PUBLICATION, publication, primaryName, database,
                                TaggedResource.idInName(publication)));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list the source's tagged resources: " + e.getMessage(), e);
        }
        for (PostgresNode node : source.nodes()) {
            try {
                for (UUID pipelineId : hba.taggedIds(source, node)) {
                    found.add(new TaggedResource(TaggedResource.HBA_ENTRY, HbaEntry.TAG + pipelineId, name(node), null,
                            pipelineId));
                }
            } catch (SQLException | IOException unreadable) {
                LOG.warn("pg_hba.conf of {} not swept: {}", name(node), unreadable.getMessage());
            }
        }
        return found;
    }

    void remove(PostgresEndpoint source, TaggedResource resource) {
        try {
            switch (resource.kind()) {
                case TaggedResource.REPLICATION_SLOT -> slots.drop(source, resource.name());
                case TaggedResource.PUBLICATION -> dropPublication(source, resource);
                case TaggedResource.HBA_ENTRY -> hba.removeTagged(source, resource.pipelineId());
                case TaggedResource.ROLE -> {
                    dropRole(source, resource.name());
                    if (resource.pipelineId() != null) {
                        credentials.forget(resource.pipelineId());
                    }
                }
                default -> throw new IllegalArgumentException("not a source resource: " + resource.kind());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("removing " + resource.kind() + " " + resource.name() + " failed: "
                    + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("writing pg_hba.conf failed: " + e.getMessage(), e);
        }
    }

    private void dropPublication(PostgresEndpoint source, TaggedResource publication) throws SQLException {
        try (Connection connection = admin.connect(source, admin.primary(source), publication.database());
             Statement statement = connection.createStatement()) {
            statement.execute("DROP PUBLICATION IF EXISTS " + quote(publication.name()));
        }
    }

    /**
     * As a teardown does, but its grants revoked in every database: which one it was given is not known. The caller
     * then erases the password a teardown kept for a role it could not drop.
     */
    private void dropRole(PostgresEndpoint source, String role) throws SQLException {
        PostgresNode primary = admin.primary(source);
        try (Connection connection = admin.connect(source, primary, source.adminDatabase());
             Statement statement = connection.createStatement()) {
            if (names(connection, "SELECT rolname FROM pg_roles WHERE rolname = ?", role).isEmpty()) {
                return;
            }
            statement.execute("ALTER ROLE " + quote(role) + " NOLOGIN");
            names(connection, "SELECT pg_terminate_backend(pid)::text FROM pg_stat_activity WHERE usename = ?", role);
            for (String database : databases(connection)) {
                try (Connection inDatabase = admin.connect(source, primary, database);
                     Statement dropOwned = inDatabase.createStatement()) {
                    dropOwned.execute("DROP OWNED BY " + quote(role));
                }
            }
            statement.execute("DROP ROLE " + quote(role));
        }
    }

    private static List<String> databases(Connection connection) throws SQLException {
        List<String> databases = new ArrayList<>();
        try (Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT datname FROM pg_database WHERE datallowconn AND NOT datistemplate ORDER BY datname")) {
            while (rows.next()) {
                databases.add(rows.getString(1));
            }
        }
        return databases;
    }

    private static List<String> names(Connection connection, String sql) throws SQLException {
        return names(connection, sql, TAGGED_NAME);
    }

    private static List<String> names(Connection connection, String sql, String parameter) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, parameter);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
        }
        return names;
    }

    private static String name(PostgresNode node) {
        return node.host() + ":" + node.port();
    }
}
