package io.pipewright.adapters.health;

import io.pipewright.kernel.pipeline.DecimalHandlingMode;
import io.pipewright.kernel.pipeline.DriftPolicy;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.PipelineStatus;
import io.pipewright.kernel.pipeline.SnapshotMode;
import io.pipewright.sagas.drift.DriftTarget;
import io.pipewright.sagas.drift.DriftTargets;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.ServiceDirectory;
import io.pipewright.sagas.provisioning.ServiceRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The Running and Paused pipelines of a health round's batch with their configs, drift policies and open drifts,
 * read from the pipeline view in one query (the services from the service directory, which caches them).
 */
@Component
class JdbcDriftTargets implements DriftTargets {

    private final JdbcTemplate jdbc;
    private final ServiceDirectory services;

    JdbcDriftTargets(JdbcTemplate jdbc, ServiceDirectory services) {
        this.jdbc = jdbc;
        this.services = services;
    }

    @Override
    public List<DriftTarget> of(Collection<UUID> pipelineIds) {
        List<Row> rows = jdbc.query("""
                        SELECT v.id, v.organization_id, v.name, v.status, v.source_service_id, v.sink_service_id,
                               v.database_name, v.tables, v.topic_prefix, v.snapshot_mode, v.replica_identity_full,
                               v.decimal_handling_mode, v.drift_policy, v.heartbeat_interval_ms,
                               v.retry_window_minutes,
                               ARRAY(SELECT d.resource FROM pipeline_drift d WHERE d.pipeline_id = v.id) AS open_drifts
                        FROM pipeline_view v
                        WHERE v.id = ANY(?) AND v.status IN ('Running', 'Paused')""",
                statement -> statement.setArray(1, statement.getConnection().createArrayOf("uuid",
                        pipelineIds.toArray())),
                (row, index) -> new Row(row.getObject("id", UUID.class), row.getObject("organization_id", UUID.class),
                        row.getString("name"), PipelineStatus.PAUSED.wireName().equals(row.getString("status")),
                        row.getObject("source_service_id", UUID.class), row.getObject("sink_service_id", UUID.class),
                        new PipelineConfig(row.getString("database_name"),
                                List.of((String[]) row.getArray("tables").getArray()), row.getString("topic_prefix"),
                                SnapshotMode.fromDebeziumValue(row.getString("snapshot_mode")).orElseThrow(),
                                row.getBoolean("replica_identity_full"),
                                DecimalHandlingMode.fromDebeziumValue(row.getString("decimal_handling_mode"))
                                        .orElseThrow(),
                                DriftPolicy.fromWireValue(row.getString("drift_policy")).orElseThrow(),
                                row.getInt("heartbeat_interval_ms"),
                                row.getObject("retry_window_minutes", Integer.class)),
                        Set.of((String[]) row.getArray("open_drifts").getArray())));
        List<DriftTarget> targets = new ArrayList<>();
        for (Row row : rows) {
            Optional<ServiceRecord> source = services.find(row.sourceServiceId());
            Optional<ServiceRecord> sink = services.find(row.sinkServiceId());
            if (source.isPresent() && sink.isPresent()) {
                targets.add(new DriftTarget(new PipelineSpec(row.id(), row.name(), row.config(), source.get(),
                        sink.get(), row.paused()), row.organizationId(), row.config().driftPolicy(), row.openDrifts()));
            }
        }
        return targets;
    }

    private record Row(UUID id, UUID organizationId, String name, boolean paused, UUID sourceServiceId,
                       UUID sinkServiceId, PipelineConfig config, Set<String> openDrifts) {
    }
}
