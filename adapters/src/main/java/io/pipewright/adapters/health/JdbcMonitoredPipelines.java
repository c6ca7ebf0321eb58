package io.pipewright.adapters.health;

import io.pipewright.kernel.pipeline.ConnectorHealthChanged;
import io.pipewright.kernel.pipeline.ConnectorRepointed;
import io.pipewright.kernel.pipeline.PauseCause;
import io.pipewright.kernel.pipeline.PipelineCreated;
import io.pipewright.kernel.pipeline.PipelineDeleted;
import io.pipewright.kernel.pipeline.PipelineDeletionRequested;
import io.pipewright.kernel.pipeline.PipelineFailed;
import io.pipewright.kernel.pipeline.PipelinePaused;
import io.pipewright.kernel.pipeline.PipelineResumed;
import io.pipewright.kernel.pipeline.PipelineRunning;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.pipeline.TaskState;
import io.pipewright.sagas.health.MonitoredPipeline;
import io.pipewright.sagas.health.MonitoredPipelines;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * {@code pipeline_health}: kept in step with the pipelines' events (which are monitored, what was recorded of their
 * connector, where it was re-pointed), and the durable schedule the health rounds claim from. A replay rebuilds it.
 * A pipeline is checked from when it runs until its deletion is requested, Failed included as long as it may own a
 * replication slot (its slot keeps retaining WAL, so its lag and retained WAL are still measured); once deletion was
 * requested, no later event turns the checks back on. What the rounds know of each slot is kept beside, by
 * {@link SlotRecords}.
 */
@Component
@ProcessingGroup(JdbcMonitoredPipelines.PROCESSING_GROUP)
class JdbcMonitoredPipelines implements MonitoredPipelines {

    static final String PROCESSING_GROUP = "pipeline-health";
    private static final String COLUMNS = "h.pipeline_id, h.organization_id, h.source_service_id, h.sink_service_id, "
            + "h.recorded_state, h.recorded_tasks, h.recorded_error, h.pause_requested, h.connected_host, "
            + "h.connected_port, h.slot_expected, h.slot_host, h.slot_port, h.slot_confirmed_lsn, h.data_gap_open";

    private final JdbcTemplate jdbc;

    JdbcMonitoredPipelines(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<MonitoredPipeline> claimDue(int limit, Duration interval, Instant dueBy) {
        return jdbc.query("""
                UPDATE pipeline_health h SET next_check_at = now() + make_interval(secs => ?)
                FROM (SELECT pipeline_id FROM pipeline_health WHERE monitored AND next_check_at <= ?
                      ORDER BY next_check_at LIMIT ? FOR UPDATE SKIP LOCKED) due
                WHERE h.pipeline_id = due.pipeline_id
                RETURNING\s""" + COLUMNS, this::toPipeline, interval.toMillis() / 1000.0, Timestamp.from(dueBy),
                limit);
    }

    @Override
    public List<MonitoredPipeline> ofSource(UUID sourceServiceId) {
        return jdbc.query("SELECT " + COLUMNS + " FROM pipeline_health h WHERE monitored AND source_service_id = ?",
                this::toPipeline, sourceServiceId);
    }

    @Override
    public List<UUID> monitoredSources() {
        return jdbc.queryForList("SELECT DISTINCT source_service_id FROM pipeline_health WHERE monitored", UUID.class);
    }

    /**
     * A slot seen makes the pipeline one that should have it, and where it was seen the reference for the next round,
     * unless a re-snapshot was asked for after the round started (the slot it saw is being replaced).
     */
    @Override
    public void recordChecks(Map<UUID, Measurement> measurements, Instant observedFrom, Instant checkedAt) {
        Timestamp at = Timestamp.from(checkedAt);
        Timestamp from = Timestamp.from(observedFrom);
        jdbc.batchUpdate("""
                        UPDATE pipeline_health SET source_lag_bytes = ?, retained_wal_bytes = ?,
                            last_health_check_at = ?,
                            connected_host = coalesce(?, connected_host), connected_port = coalesce(?, connected_port),
                            safe_wal_bytes = ?, max_slot_wal_keep_bytes = ?,
                            source_unanswered_since = CASE WHEN ? THEN NULL
                                ELSE coalesce(source_unanswered_since, ?) END
                        WHERE pipeline_id = ?""",
                measurements.entrySet().stream().map(entry -> {
                    Measurement measurement = entry.getValue();
                    SourceNode connectedTo = measurement.connectedTo();
                    return new Object[] {measurement.sourceLagBytes(), measurement.retainedWalBytes(), at,
                            connectedTo == null ? null : connectedTo.host(),
                            connectedTo == null ? null : connectedTo.port(), measurement.safeWalBytes(),
                            measurement.maxSlotWalKeepBytes(), measurement.sourceAnswered(), from, entry.getKey()};
                }).toList(),
                new int[] {Types.BIGINT, Types.BIGINT, Types.TIMESTAMP, Types.VARCHAR, Types.INTEGER, Types.BIGINT,
                        Types.BIGINT, Types.BOOLEAN, Types.TIMESTAMP, Types.OTHER});
        jdbc.batchUpdate("""
                        UPDATE pipeline_health SET slot_expected = true, slot_host = ?, slot_port = ?,
                            slot_confirmed_lsn = coalesce(?, slot_confirmed_lsn)
                        WHERE pipeline_id = ? AND (resnapshot_requested_at IS NULL OR resnapshot_requested_at < ?)""",
                measurements.entrySet().stream().filter(entry -> entry.getValue().slotSeenOn() != null)
                        .map(entry -> new Object[] {entry.getValue().slotSeenOn().host(),
                                entry.getValue().slotSeenOn().port(), entry.getValue().slotConfirmedLsn(),
                                entry.getKey(), from}).toList(),
                new int[] {Types.VARCHAR, Types.INTEGER, Types.VARCHAR, Types.OTHER, Types.TIMESTAMP});
    }

    @EventHandler
    void on(PipelineCreated event) {
        jdbc.update("""
                        INSERT INTO pipeline_health (pipeline_id, organization_id, source_service_id, sink_service_id,
                                                     pause_requested)
                        VALUES (?, ?, ?, ?, ?) ON CONFLICT (pipeline_id) DO NOTHING""",
                event.pipelineId(), event.organizationId(), event.sourceServiceId(), event.sinkServiceId(),
                event.paused());
    }

    @EventHandler
    void on(PipelineRunning event) {
        recordConnector(event.pipelineId(), event.connectorState(), event.taskStates(), null);
        checkSoon(event.pipelineId());
    }

    @EventHandler
    void on(PipelinePaused event) {
        if (event.cause() == PauseCause.REQUESTED) {
            requestPause(event.pipelineId(), true);
        }
        checkSoon(event.pipelineId());
    }

    @EventHandler
    void on(PipelineResumed event) {
        if (event.cause() == PauseCause.REQUESTED) {
            requestPause(event.pipelineId(), false);
        }
        checkSoon(event.pipelineId());
    }

    @EventHandler
    void on(ConnectorHealthChanged event) {
        recordConnector(event.pipelineId(), event.connectorState(), event.taskStates(), event.errorMessage());
    }

    @EventHandler
    void on(ConnectorRepointed event) {
        jdbc.update("UPDATE pipeline_health SET connected_host = ?, connected_port = ? WHERE pipeline_id = ?",
                event.primary().host(), event.primary().port(), event.pipelineId());
        checkSoon(event.pipelineId());
    }

    /**
     * A pipeline that failed once provisioned (no step: it was Running or Paused, so it is checked already), or while
     * creating its connector (which creates the slot), may own a slot: it is measured until it is deleted. One that
     * failed earlier, or while Pending (no step either, never checked), has none.
     */
    @EventHandler
    void on(PipelineFailed event) {
        if (event.step() == ProvisionStep.CREATE_CONNECTOR) {
            checkSoon(event.pipelineId());
        } else if (event.step() != null) {
            stopMonitoring(event.pipelineId());
        }
    }

    @EventHandler
    void on(PipelineDeletionRequested event) {
        jdbc.update("""
                        UPDATE pipeline_health SET monitored = false, next_check_at = NULL, deletion_requested = true
                        WHERE pipeline_id = ?""",
                event.pipelineId());
    }

    @EventHandler
    void on(PipelineDeleted event) {
        jdbc.update("DELETE FROM pipeline_health WHERE pipeline_id = ?", event.pipelineId());
    }

    @ResetHandler
    void clear() {
        jdbc.update("DELETE FROM pipeline_health");
    }

    private void recordConnector(UUID pipelineId, String state, List<TaskState> tasks, String error) {
        jdbc.update("""
                        UPDATE pipeline_health SET recorded_state = ?, recorded_tasks = ?, recorded_error = ?
                        WHERE pipeline_id = ?""",
                state, encode(tasks), error, pipelineId);
    }

    private void requestPause(UUID pipelineId, boolean requested) {
        jdbc.update("UPDATE pipeline_health SET pause_requested = ? WHERE pipeline_id = ?", requested, pipelineId);
    }

    /** Running or Paused: checked from now on, the first time right away; never once deletion was requested. */
    private void checkSoon(UUID pipelineId) {
        jdbc.update("""
                UPDATE pipeline_health SET monitored = true, next_check_at = now()
                WHERE pipeline_id = ? AND NOT deletion_requested""", pipelineId);
    }

    private void stopMonitoring(UUID pipelineId) {
        jdbc.update("UPDATE pipeline_health SET monitored = false, next_check_at = NULL WHERE pipeline_id = ?",
                pipelineId);
    }

    private MonitoredPipeline toPipeline(ResultSet row, int number) throws SQLException {
        String host = row.getString("connected_host");
        SourceNode connectedTo = host == null ? null : new SourceNode(host, row.getInt("connected_port"));
        String slotHost = row.getString("slot_host");
        SourceNode slotSeenOn = slotHost == null ? null : new SourceNode(slotHost, row.getInt("slot_port"));
        return new MonitoredPipeline(row.getObject("pipeline_id", UUID.class),
                row.getObject("organization_id", UUID.class), row.getObject("source_service_id", UUID.class),
                row.getObject("sink_service_id", UUID.class),
                row.getString("recorded_state"), decode(row.getString("recorded_tasks")),
                row.getString("recorded_error"), row.getBoolean("pause_requested"), connectedTo,
                row.getBoolean("slot_expected"), slotSeenOn, row.getString("slot_confirmed_lsn"),
                row.getBoolean("data_gap_open"));
    }

    /** {@code 0:RUNNING,1:FAILED}; Connect's states and task ids hold neither separator. */
    static String encode(List<TaskState> tasks) {
        return tasks.stream().map(task -> task.id() + ":" + task.state()).collect(Collectors.joining(","));
    }

    static List<TaskState> decode(String tasks) {
        if (tasks == null || tasks.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(tasks.split(",")).map(task -> task.split(":", 2))
                .map(parts -> new TaskState(Integer.parseInt(parts[0]), parts[1])).toList();
    }
}
