package io.pipewright.app.teardown;

import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything of a source a pipeline may touch, as text to compare: roles and memberships, database, schema and table
 * ACLs (a GRANT then REVOKE leaves an explicit ACL where there was none, so both read through acldefault), replica
 * identity, publications and their tables, replication slots, pg_hba rules and the file's bytes,
 * postgresql.auto.conf.
 */
final class SourceSnapshot {

    private static final Map<String, String> QUERIES = new LinkedHashMap<>();

    static {
        QUERIES.put("roles", """
                SELECT string_agg(rolname || ' super=' || rolsuper || ' replication=' || rolreplication
                                  || ' login=' || rolcanlogin, E'\\n' ORDER BY rolname) FROM pg_roles""");
        QUERIES.put("memberships", """
                SELECT coalesce(string_agg(roleid::regrole || ' > ' || member::regrole, E'\\n'
                                           ORDER BY roleid::regrole::text, member::regrole::text), '')
                FROM pg_auth_members""");
        QUERIES.put("database acls", """
                SELECT string_agg(datname || ' ' || (SELECT string_agg(a::text, ' ' ORDER BY a::text)
                                  FROM unnest(coalesce(datacl, acldefault('d', datdba))) a), E'\\n' ORDER BY datname)
                FROM pg_database""");
        QUERIES.put("schema acls", """
                SELECT string_agg(nspname || ' ' || (SELECT string_agg(a::text, ' ' ORDER BY a::text)
                                  FROM unnest(coalesce(nspacl, acldefault('n', nspowner))) a), E'\\n' ORDER BY nspname)
                FROM pg_namespace""");
        QUERIES.put("tables", """
                SELECT string_agg(c.oid::regclass::text || ' identity=' || c.relreplident::text || ' '
                                  || (SELECT string_agg(a::text, ' ' ORDER BY a::text)
                                      FROM unnest(coalesce(c.relacl, acldefault('r', c.relowner))) a),
                                  E'\\n' ORDER BY c.oid::regclass::text)
                FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relkind IN ('r', 'p', 'v', 'm') AND n.nspname NOT IN ('pg_catalog', 'information_schema')""");
        QUERIES.put("publications", """
                SELECT coalesce(string_agg(pubname || ' all=' || puballtables, E'\\n' ORDER BY pubname), '')
                FROM pg_publication""");
        QUERIES.put("published tables", """
                SELECT coalesce(string_agg(pubname || ' ' || schemaname || '.' || tablename, E'\\n'
                                           ORDER BY pubname, schemaname, tablename), '')
                FROM pg_publication_tables""");
        QUERIES.put("slots", """
                SELECT coalesce(string_agg(slot_name || ' ' || slot_type, E'\\n' ORDER BY slot_name), '')
                FROM pg_replication_slots""");
        QUERIES.put("hba rules", """
                SELECT string_agg(type || ' ' || database::text || ' ' || user_name::text || ' '
                                  || coalesce(address, '') || ' ' || coalesce(auth_method, '')
                                  || coalesce(' ERROR ' || error, ''), E'\\n' ORDER BY line_number)
                FROM pg_hba_file_rules""");
    }

    private SourceSnapshot() {
    }

    static Map<String, String> of(PostgresServer source) throws SQLException, IOException {
        Map<String, String> snapshot = new LinkedHashMap<>();
        try (Connection connection = source.connect(LocalStack.SOURCE_DATABASE);
             Statement statement = connection.createStatement()) {
            for (Map.Entry<String, String> query : QUERIES.entrySet()) {
                try (ResultSet rows = statement.executeQuery(query.getValue())) {
                    rows.next();
                    snapshot.put(query.getKey(), rows.getString(1));
                }
            }
        }
        snapshot.put("pg_hba.conf bytes", Files.readString(source.hbaFile()));
        snapshot.put("postgresql.auto.conf bytes",
                Files.readString(source.dataDirectory().resolve("postgresql.auto.conf")));
        return snapshot;
    }
}
