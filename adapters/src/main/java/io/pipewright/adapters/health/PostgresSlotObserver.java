package io.pipewright.adapters.health;

import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.sagas.health.SlotObserver;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The slots' confirmed lag, retained WAL and health (invalidated, synced from a former primary, WAL left before
 * {@code max_slot_wal_keep_size} invalidates them), from pg_replication_slots on the current primary in one query.
 * Columns that only some versions have ({@code invalidation_reason}, {@code synced}: PostgreSQL 17) are read through
 * the row's JSON form, so the same text runs on every version. The setting is read with every row and once more when
 * no slot was found, so the answer always carries it.
 */
@Component
class PostgresSlotObserver implements SlotObserver {

    private static final String QUERY = """
            SELECT s.slot_name,
                   coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn), 0)::bigint,
                   coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn), 0)::bigint,
                   s.confirmed_flush_lsn::text, s.wal_status, to_jsonb(s) ->> 'invalidation_reason',
                   s.safe_wal_size, coalesce((to_jsonb(s) ->> 'synced')::boolean, false),
                   nullif(pg_size_bytes(current_setting('max_slot_wal_keep_size')), -1)
            FROM (SELECT NULL) AS always
            LEFT JOIN pg_replication_slots s ON s.slot_name = ANY(?)""";

    private final SourceAdmin admin;

    PostgresSlotObserver(SourceAdmin admin) {
        this.admin = admin;
    }

    @Override
    public SourceSlots measure(PostgresEndpoint source, Collection<String> slotNames) {
        Map<String, SlotUsage> usage = new HashMap<>();
        PostgresNode primary = admin.primary(source);
        Long maxSlotWalKeepBytes = null;
        try (Connection connection = admin.connect(source, primary, source.adminDatabase());
             PreparedStatement query = connection.prepareStatement(QUERY)) {
            Array names = connection.createArrayOf("text", slotNames.toArray());
            query.setArray(1, names);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    maxSlotWalKeepBytes = rows.getObject(9, Long.class);
                    String name = rows.getString(1);
                    if (name != null) {
                        usage.put(name, new SlotUsage(rows.getLong(2), rows.getLong(3), rows.getString(4),
                                rows.getString(5), rows.getString(6), rows.getObject(7, Long.class),
                                rows.getBoolean(8)));
                    }
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the replication slots: "
                    + admin.describe(e, source, primary, source.adminDatabase()), e);
        }
        return new SourceSlots(new SourceNode(primary.host(), primary.port()), maxSlotWalKeepBytes, usage);
    }
}
