package io.pipewright.adapters.provisioning;

import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.kernel.pipeline.ResourceNames;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.sagas.orphans.TaggedResource;
import io.pipewright.sagas.provisioning.ServiceRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The catalog lookups the source's resource classes share to find what carries Pipewright's tag. */
final class SourceCatalog {

    private SourceCatalog() {
    }

    /** The databases a resource may be in: every one that accepts connections, templates aside. */
    static List<String> databases(Connection connection) throws SQLException {
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

    /** The first column of {@code sql}, run with its one parameter. */
    static List<String> names(Connection connection, String sql, String parameter) throws SQLException {
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

    /** Reads one row of a catalog query into what a resource observes. */
    interface RowReader<T> {
        T read(ResultSet row) throws SQLException;
    }

    /**
     * The row {@code sql} finds for {@code name} on the source's primary, in its admin database, or empty; a failure
     * says what was being read.
     */
    static <T> Optional<T> findOnPrimary(SourceAdmin admin, PostgresEndpoint source, String sql, String name,
                                         RowReader<T> reader, String what) {
        try (Connection connection = admin.connect(source, admin.primary(source), source.adminDatabase());
             PreparedStatement query = connection.prepareStatement(sql)) {
            query.setString(1, name);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? Optional.of(reader.read(rows)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading " + what + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * What carries Pipewright's name among the cluster-wide objects {@code sql} lists on the source's primary (its one
     * parameter is the name pattern), as the orphan sweep reports them; none on a service that is not PostgreSQL.
     */
    static List<TaggedResource> discoverOnPrimary(SourceAdmin admin, ServiceRecord service, String kind, String sql,
                                                  String what) {
        PostgresEndpoint source = service.postgres();
        if (source == null) {
            return List.of();
        }
        PostgresNode primary = admin.primary(source);
        try (Connection connection = admin.connect(source, primary, source.adminDatabase())) {
            return names(connection, sql, ResourceNames.SOURCE_RESOURCE_REGEX).stream()
                    .map(name -> new TaggedResource(kind, name, nodeName(primary), null,
                            ResourceNames.pipelineIdOfSourceResource(name).orElse(null)))
                    .toList();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list the source's " + what + ": " + e.getMessage(), e);
        }
    }

    /** The orphan sweep removes only what Pipewright named: any other name is refused. */
    static void requirePipewrightName(TaggedResource resource, String what) {
        if (ResourceNames.pipelineIdOfSourceResource(resource.name()).isEmpty()) {
            throw new IllegalArgumentException(what + " " + resource.name() + " is not named as Pipewright names them");
        }
    }

    /** A node as the orphan ledger names where a resource lives. */
    static String nodeName(PostgresNode node) {
        return node.host() + ":" + node.port();
    }
}
