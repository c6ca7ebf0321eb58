package io.pipewright.query.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.kernel.pipeline.PipelineCreated;
import io.r2dbc.spi.Readable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * Reads a pipeline's events straight from the event store. The organization is checked against the stored creation
 * event, not a view, so the trail stays readable after the pipeline is deleted and while views are being rebuilt.
 */
@Component
class PipelineEventHistory {

    private final DatabaseClient database;
    private final ObjectMapper json;

    PipelineEventHistory(DatabaseClient database, ObjectMapper json) {
        this.database = database;
        this.json = json;
    }

    /** Empty when the organization has no pipeline with that id. */
    Flux<PipelineEvent> of(UUID organizationId, UUID pipelineId) {
        return database.sql("""
                        SELECT sequence_number, payload_type, time_stamp, payload, meta_data
                        FROM domain_event_entry
                        WHERE aggregate_identifier = :id
                          AND EXISTS (SELECT 1 FROM domain_event_entry created
                                      WHERE created.aggregate_identifier = :id
                                        AND created.sequence_number = 0
                                        AND created.payload_type = :createdType
                                        AND convert_from(created.payload, 'UTF8')::jsonb ->> 'organization_id'
                                            = :organizationId)
                        ORDER BY sequence_number""")
                .bind("id", pipelineId.toString())
                .bind("createdType", PipelineCreated.class.getName())
                .bind("organizationId", organizationId.toString())
                .map(this::toEvent)
                .all();
    }

    private PipelineEvent toEvent(Readable row) {
        String payloadType = row.get("payload_type", String.class);
        JsonNode metaData = tree(row.get("meta_data", byte[].class));
        JsonNode actor = metaData.path("actor");
        return new PipelineEvent(row.get("sequence_number", Long.class),
                payloadType.substring(payloadType.lastIndexOf('.') + 1),
                Instant.parse(row.get("time_stamp", String.class)),
                tree(row.get("payload", byte[].class)),
                actor.isTextual() ? actor.asText() : null);
    }

    private JsonNode tree(byte[] storedJson) {
        if (storedJson == null) {
            return json.missingNode();
        }
        try {
            return json.readTree(storedJson);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
