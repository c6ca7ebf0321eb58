package io.pipewright.adapters.orphans;

import io.pipewright.sagas.orphans.OrphanLedger;
import io.pipewright.sagas.orphans.TaggedResource;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code orphan_resource}, and the live pipelines as the command side's registry has them: a row per pipeline from
 * its creation (before any step) until its teardown completed.
 */
@Component
class JdbcOrphanLedger implements OrphanLedger {

    private final JdbcTemplate jdbc;

    JdbcOrphanLedger(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Set<UUID> livePipelines() {
        return new HashSet<>(jdbc.queryForList("SELECT pipeline_id FROM pipeline_registry", UUID.class));
    }

    @Override
    public List<UUID> services() {
        return jdbc.queryForList("SELECT service_id FROM service_registry ORDER BY service_id", UUID.class);
    }

    /** The inserts first: a sweep cut short leaves the old rows, never fewer than there are. */
    @Override
    public void replace(UUID serviceId, List<TaggedResource> orphans, Instant sweptAt) {
        Timestamp at = Timestamp.from(sweptAt);
        for (TaggedResource orphan : orphans) {
            jdbc.update("""
                            INSERT INTO orphan_resource (service_id, kind, name, node, database_name, pipeline_id,
                                first_seen_at, last_seen_at)
                            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                            ON CONFLICT (service_id, kind, name, node) DO UPDATE SET last_seen_at = excluded.last_seen_at""",
                    serviceId, orphan.kind(), orphan.name(), orphan.node(), orphan.database(), orphan.pipelineId(),
                    at, at);
        }
        jdbc.update("DELETE FROM orphan_resource WHERE service_id = ? AND last_seen_at < ?", serviceId, at);
    }

    @Override
    public List<Orphan> all() {
        return jdbc.query("""
                SELECT service_id, kind, name, node, database_name, pipeline_id, first_seen_at, last_seen_at
                FROM orphan_resource ORDER BY service_id, kind, name, node""", JdbcOrphanLedger::toOrphan);
    }

    private static Orphan toOrphan(ResultSet row, int number) throws SQLException {
        return new Orphan(row.getObject("service_id", UUID.class), new TaggedResource(row.getString("kind"),
                row.getString("name"), row.getString("node"), row.getString("database_name"),
                row.getObject("pipeline_id", UUID.class)), row.getTimestamp("first_seen_at").toInstant(),
                row.getTimestamp("last_seen_at").toInstant());
    }
}
