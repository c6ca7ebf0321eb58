package io.pipewright.adapters.provisioning;

import io.pipewright.kernel.MessageMetadata;
import io.pipewright.kernel.pipeline.DecimalHandlingMode;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.SnapshotMode;
import io.pipewright.sagas.health.PublicationRefresh;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.ServiceDirectory;
import io.pipewright.sagas.provisioning.ServiceRecord;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Keeps the publications of Running and Paused pipelines that capture all tables in step with their database: a
 * table created after the pipeline is published once it has a replica identity, and named as not captured until
 * then. The pipelines' configs are read from the pipeline view; one source that does not answer costs only its own
 * pipelines this round.
 */
@Component
class AllTablesPublications implements PublicationRefresh {

    private static final Logger LOG = LoggerFactory.getLogger(AllTablesPublications.class);

    private final JdbcTemplate jdbc;
    private final ServiceDirectory services;
    private final PublicationUpkeep publications;

    AllTablesPublications(JdbcTemplate jdbc, ServiceDirectory services, PublicationUpkeep publications) {
        this.jdbc = jdbc;
        this.services = services;
        this.publications = publications;
    }

    @Override
    public void refresh(List<UUID> pipelineIds) {
        if (pipelineIds.isEmpty()) {
            return;
        }
        List<Capturing> capturing = jdbc.query("""
                        SELECT id, organization_id, name, source_service_id, sink_service_id, database_name, topic_prefix, snapshot_mode,
                               replica_identity_full, decimal_handling_mode
                        FROM pipeline_view
                        WHERE id = ANY(?) AND cardinality(tables) = 0 AND status IN ('Running', 'Paused')""",
                statement -> statement.setArray(1, statement.getConnection().createArrayOf("uuid",
                        pipelineIds.toArray())),
                (row, index) -> new Capturing(row.getObject("id", UUID.class),
                        row.getObject("organization_id", UUID.class), row.getString("name"),
                        row.getObject("source_service_id", UUID.class), row.getObject("sink_service_id", UUID.class),
                        new PipelineConfig(row.getString("database_name"), List.of(), row.getString("topic_prefix"),
                                SnapshotMode.fromDebeziumValue(row.getString("snapshot_mode")).orElseThrow(),
                                row.getBoolean("replica_identity_full"),
                                DecimalHandlingMode.fromDebeziumValue(row.getString("decimal_handling_mode"))
                                        .orElseThrow())));
        for (Capturing pipeline : capturing) {
            try (MDC.MDCCloseable named = MDC.putCloseable(MessageMetadata.PIPELINE_ID, pipeline.id().toString());
                 MDC.MDCCloseable organization = MDC.putCloseable(MessageMetadata.ORGANIZATION_ID,
                         String.valueOf(pipeline.organizationId()))) {
                Optional<ServiceRecord> source = services.find(pipeline.sourceServiceId());
                Optional<ServiceRecord> sink = services.find(pipeline.sinkServiceId());
                if (source.isPresent() && sink.isPresent()) {
                    publications.refresh(new PipelineSpec(pipeline.id(), pipeline.name(), pipeline.config(),
                            source.get(), sink.get(), false));
                }
            } catch (RuntimeException e) {
                LOG.warn("Health check: the publication of pipeline {} could not be refreshed: {}", pipeline.id(),
                        e.toString());
            }
        }
    }

    private record Capturing(UUID id, UUID organizationId, String name, UUID sourceServiceId, UUID sinkServiceId, PipelineConfig config) {
    }
}
