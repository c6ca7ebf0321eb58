package io.pipewright.adapters.health;

import io.pipewright.adapters.postgres.SourceAdmin;
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

/** The slots' confirmed lag and retained WAL, from pg_replication_slots on the current primary. */
@Component
class PostgresSlotObserver implements SlotObserver {

    private final SourceAdmin admin;

    PostgresSlotObserver(SourceAdmin admin) {
        this.admin = admin;
    }

    @Override
    public Map<String, SlotUsage> measure(PostgresEndpoint source, Collection<String> slotNames) {
        Map<String, SlotUsage> usage = new HashMap<>();
        PostgresNode primary = admin.primary(source);
        try (Connection connection = admin.connect(source, primary, source.adminDatabase());
             PreparedStatement query = connection.prepareStatement("""
                     SELECT slot_name,
                            coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn), 0)::bigint,
                            coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn), 0)::bigint
                     FROM pg_replication_slots WHERE slot_name = ANY(?)""")) {
            Array names = connection.createArrayOf("text", slotNames.toArray());
            query.setArray(1, names);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    usage.put(rows.getString(1), new SlotUsage(rows.getLong(2), rows.getLong(3)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the replication slots: "
                    + admin.describe(e, source, primary, source.adminDatabase()), e);
        }
        return usage;
    }
}
