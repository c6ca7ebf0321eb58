package io.pipewright.adapters.provisioning;

import io.pipewright.kernel.service.PostgresNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

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

    /** A node as the orphan ledger names where a resource lives. */
    static String nodeName(PostgresNode node) {
        return node.host() + ":" + node.port();
    }
}
