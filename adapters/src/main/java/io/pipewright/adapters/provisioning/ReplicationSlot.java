package io.pipewright.adapters.provisioning;

import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.kernel.pipeline.ResourceNames;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.sagas.orphans.TaggedResource;
import io.pipewright.sagas.provisioning.PipelineResource;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.ServiceRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The pipeline's logical replication slot on the primary, named {@code pipewright_<id>}
 * ({@link ResourceNames#sourceResource}). The connector's task creates it when it first runs, as Debezium wants for a
 * consistent snapshot, so converging it creates nothing; nobody else drops it, and a slot left behind keeps WAL on the
 * source forever, so its removal comes after the connector's.
 */
@Component
class ReplicationSlot implements PipelineResource<ReplicationSlot.Slot> {

    /** A logical slot: its name, its output plugin and the database it decodes. */
    record Slot(String name, String plugin, String database) {
    }

    private static final Duration RELEASE_WITHIN = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofMillis(200);

    private final SourceAdmin admin;

    ReplicationSlot(SourceAdmin admin) {
        this.admin = admin;
    }

    @Override
    public String kind() {
        return TaggedResource.REPLICATION_SLOT;
    }

    @Override
    public Slot desired(PipelineSpec pipeline) {
        return new Slot(pipeline.sourceResourceName(), "pgoutput", pipeline.config().databaseName());
    }

    @Override
    public Optional<Slot> observe(PipelineSpec pipeline) {
        return SourceCatalog.findOnPrimary(admin, pipeline.source().postgres(),
                "SELECT slot_name, plugin, database FROM pg_replication_slots WHERE slot_name = ?",
                pipeline.sourceResourceName(), row -> new Slot(row.getString(1), row.getString(2), row.getString(3)),
                "the source's replication slots");
    }

    /** Nothing to do: the connector's task creates the slot (see the class comment). Its name. */
    @Override
    public String converge(PipelineSpec pipeline) {
        return pipeline.sourceResourceName();
    }

    @Override
    public void remove(PipelineSpec pipeline) {
        drop(pipeline.source().postgres(), pipeline.sourceResourceName());
    }

    /** The slots on the primary named as Pipewright names them (a standby's synced copies follow the primary's). */
    @Override
    public List<TaggedResource> discoverTagged(ServiceRecord service) {
        return SourceCatalog.discoverOnPrimary(admin, service, TaggedResource.REPLICATION_SLOT,
                "SELECT slot_name FROM pg_replication_slots WHERE slot_name ~ ?", "replication slots");
    }

    /** A name Pipewright did not make is refused. */
    @Override
    public void removeTagged(ServiceRecord service, TaggedResource resource) {
        SourceCatalog.requirePipewrightName(resource, "replication slot");
        drop(service.postgres(), resource.name());
    }

    /** Waits for the slot's walsender to end, ends it if it lingers, then drops the slot. */
    private void drop(PostgresEndpoint source, String slot) {
        try (Connection connection = admin.connect(source, admin.primary(source), source.adminDatabase())) {
            Instant deadline = Instant.now().plus(RELEASE_WITHIN);
            Long activePid = activePid(connection, slot);
            while (activePid != null && activePid > 0 && Instant.now().isBefore(deadline)) {
                Waiting.pause(POLL, "a slot to be released");
                activePid = activePid(connection, slot);
            }
            if (activePid == null) {
                return;
            }
            if (activePid > 0) {
                execute(connection, "SELECT pg_terminate_backend(?::int)", activePid);
            }
            execute(connection, """
                    SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots
                    WHERE slot_name = ? AND NOT active""", slot);
            if (activePid(connection, slot) != null) {
                throw new IllegalStateException("replication slot " + slot + " is still there; retrying");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("dropping replication slot " + slot + " failed: " + e.getMessage(), e);
        }
    }

    /** The walsender's pid, 0 for an inactive slot, null when there is no slot. */
    private static Long activePid(Connection connection, String slot) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT coalesce(active_pid, 0) FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, slot);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next() ? rows.getLong(1) : null;
            }
        }
    }

    private static void execute(Connection connection, String sql, Object parameter) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, parameter);
            statement.executeQuery().close();
        }
    }
}
