package io.pipewright.adapters.health;

import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.adapters.provisioning.DesiredResources;
import io.pipewright.kernel.policy.HostPathPolicy;
import io.pipewright.kernel.service.HbaManagement;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.sagas.drift.Drift;
import io.pipewright.sagas.drift.SourceDriftObserver;
import io.pipewright.sagas.provisioning.PipelineSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/**
 * The source-side resources of a source's pipelines, on its current primary, in one catalog query per database
 * (publications are per database; roles and pg_hba.conf are the server's): each publication's table set (a pipeline
 * capturing all tables only needs its publication to exist as an explicit list, since the health round's refresh adds
 * the tables created since), each role's LOGIN, REPLICATION and SELECT on the listed tables, and the pipeline's tagged
 * line in the primary's pg_hba.conf (read in the same query in {@code superuser_sql} mode, from the file in
 * {@code file} mode; not Pipewright's in {@code external} mode, where the file's name is not even asked, since it is
 * a superuser's setting). A listed table that no longer exists is the
 * provisioning's concern, not drift.
 */
@Component
class PostgresDriftObserver implements SourceDriftObserver {

    private static final String QUERY = """
            SELECT n.name,
                   r.rolname IS NOT NULL AS role_exists,
                   coalesce(r.rolcanlogin, false) AS can_login,
                   coalesce(r.rolreplication, false) AS replication,
                   p.oid IS NOT NULL AS publication_exists,
                   coalesce(p.puballtables, false) AS all_tables,
                   ARRAY(SELECT pt.schemaname || '.' || pt.tablename FROM pg_publication_tables pt
                         WHERE pt.pubname = n.name ORDER BY 1) AS published,
                   ARRAY(SELECT t.tbl FROM unnest(?::text[], ?::text[]) AS t(name, tbl)
                         WHERE t.name = n.name AND r.rolname IS NOT NULL
                           AND to_regclass(format('%I.%I', split_part(t.tbl, '.', 1),
                                                  substr(t.tbl, strpos(t.tbl, '.') + 1))) IS NOT NULL
                           AND NOT has_table_privilege(r.rolname, to_regclass(format('%I.%I',
                                   split_part(t.tbl, '.', 1), substr(t.tbl, strpos(t.tbl, '.') + 1))), 'SELECT')
                         ORDER BY 1) AS not_selectable,
                   CASE WHEN ? THEN current_setting('hba_file') END AS hba_file,
                   CASE WHEN ? THEN pg_read_file(current_setting('hba_file')) END AS hba_content
            FROM unnest(?::text[]) AS n(name)
            LEFT JOIN pg_roles r ON r.rolname = n.name
            LEFT JOIN pg_publication p ON p.pubname = n.name""";

    private final SourceAdmin admin;
    private final HostPathPolicy hostPaths;
    private final DesiredResources desired;

    PostgresDriftObserver(SourceAdmin admin, HostPathPolicy hostPaths, DesiredResources desired) {
        this.admin = admin;
        this.hostPaths = hostPaths;
        this.desired = desired;
    }

    @Override
    public Map<UUID, List<Drift>> observe(List<PipelineSpec> pipelinesOfOneSource) {
        Map<UUID, List<Drift>> drifts = new HashMap<>();
        if (pipelinesOfOneSource.isEmpty()) {
            return drifts;
        }
        PostgresEndpoint source = pipelinesOfOneSource.get(0).source().postgres();
        PostgresNode primary = admin.primary(source);
        Map<String, List<PipelineSpec>> byDatabase = pipelinesOfOneSource.stream()
                .collect(Collectors.groupingBy(pipeline -> pipeline.config().databaseName()));
        for (Map.Entry<String, List<PipelineSpec>> database : byDatabase.entrySet()) {
            try (Connection connection = admin.connect(source, primary, database.getKey())) {
                observe(connection, source, database.getValue(), drifts);
            } catch (SQLException e) {
                throw new IllegalStateException("cannot compare the pipelines' resources with their desired state: "
                        + admin.describe(e, source, primary, database.getKey()), e);
            }
        }
        return drifts;
    }

    private void observe(Connection connection, PostgresEndpoint source, List<PipelineSpec> pipelines,
                         Map<UUID, List<Drift>> drifts) throws SQLException {
        Map<String, PipelineSpec> byName = pipelines.stream()
                .collect(Collectors.toMap(PipelineSpec::sourceResourceName, pipeline -> pipeline));
        List<String> tableOwners = new ArrayList<>();
        List<String> tables = new ArrayList<>();
        pipelines.forEach(pipeline -> pipeline.config().tables().forEach(table -> {
            tableOwners.add(pipeline.sourceResourceName());
            tables.add(table);
        }));
        try (PreparedStatement query = connection.prepareStatement(QUERY)) {
            query.setArray(1, connection.createArrayOf("text", tableOwners.toArray()));
            query.setArray(2, connection.createArrayOf("text", tables.toArray()));
            query.setBoolean(3, source.hbaManagement() == HbaManagement.FILE);
            query.setBoolean(4, source.hbaManagement() == HbaManagement.SUPERUSER_SQL);
            query.setArray(5, connection.createArrayOf("text", byName.keySet().toArray()));
            try (ResultSet rows = query.executeQuery()) {
                String hbaContent = null;
                while (rows.next()) {
                    if (hbaContent == null && source.hbaManagement() != HbaManagement.EXTERNAL) {
                        hbaContent = source.hbaManagement() == HbaManagement.SUPERUSER_SQL
                                ? rows.getString("hba_content") : localFile(rows.getString("hba_file"));
                    }
                    PipelineSpec pipeline = byName.get(rows.getString("name"));
                    List<Drift> found = new ArrayList<>();
                    publication(pipeline, rows).ifPresent(found::add);
                    role(rows).ifPresent(found::add);
                    hba(pipeline, source, hbaContent).ifPresent(found::add);
                    if (!found.isEmpty()) {
                        drifts.put(pipeline.pipelineId(), found);
                    }
                }
            }
        }
    }

    private static Optional<Drift> publication(PipelineSpec pipeline, ResultSet row) throws SQLException {
        if (!row.getBoolean("publication_exists")) {
            return Optional.of(new Drift(Drift.PUBLICATION, "publication " + pipeline.sourceResourceName(),
                    "no such publication"));
        }
        if (row.getBoolean("all_tables")) {
            return Optional.of(new Drift(Drift.PUBLICATION, "an explicit table list", "FOR ALL TABLES"));
        }
        if (pipeline.config().capturesAllTables()) {
            return Optional.empty();
        }
        TreeSet<String> published = new TreeSet<>(Arrays.asList((String[]) row.getArray("published").getArray()));
        TreeSet<String> wanted = new TreeSet<>(pipeline.config().tables());
        return published.equals(wanted) ? Optional.empty()
                : Optional.of(new Drift(Drift.PUBLICATION, tableList(wanted), tableList(published)));
    }

    private static String tableList(TreeSet<String> tables) {
        return tables.isEmpty() ? "no tables" : "tables " + String.join(", ", tables);
    }

    private static Optional<Drift> role(ResultSet row) throws SQLException {
        if (!row.getBoolean("role_exists")) {
            return Optional.of(new Drift(Drift.REPLICATION_ROLE, "role " + row.getString("name")
                    + " with LOGIN REPLICATION", "no such role"));
        }
        List<String> missing = new ArrayList<>();
        if (!row.getBoolean("can_login")) {
            missing.add("NOLOGIN");
        }
        if (!row.getBoolean("replication")) {
            missing.add("NOREPLICATION");
        }
        String[] notSelectable = (String[]) row.getArray("not_selectable").getArray();
        if (notSelectable.length > 0) {
            missing.add("no SELECT on " + String.join(", ", notSelectable));
        }
        return missing.isEmpty() ? Optional.empty() : Optional.of(new Drift(Drift.REPLICATION_ROLE,
                "LOGIN REPLICATION with SELECT on the captured tables", String.join(", ", missing)));
    }

    /** {@code content}: the primary's pg_hba.conf; null when it is not Pipewright's to manage. */
    private Optional<Drift> hba(PipelineSpec pipeline, PostgresEndpoint source, String content) {
        if (content == null) {
            return Optional.empty();
        }
        String line = desired.hbaLine(pipeline);
        String tag = desired.hbaTag(pipeline);
        List<String> tagged = content.lines().map(String::strip).filter(text -> text.endsWith(tag)).toList();
        if (tagged.equals(List.of(line))) {
            return Optional.empty();
        }
        return Optional.of(new Drift(Drift.HBA_ENTRY, line,
                tagged.isEmpty() ? "no line tagged " + tag : String.join(" | ", tagged)));
    }

    /** The file of a source in {@code file} mode, on the control plane's host, read once per query. */
    private String localFile(String configured) {
        try {
            return Files.readString(hostPaths.existingFile(configured));
        } catch (IOException e) {
            throw new IllegalStateException("pg_hba.conf (" + configured + ") cannot be read on the control plane's "
                    + "host: " + e.getMessage(), e);
        }
    }
}
