package io.pipewright.query.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.kernel.pipeline.PipelineCreated;
import io.r2dbc.spi.Readable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

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

    /**
     * At most {@code rows} events after {@code afterSequence}, in order; empty when the organization has no pipeline
     * with that id (an empty list when it has one but no events after that sequence). One query: the creation event
     * by its unique key, then a range of the same key.
     */
    Mono<List<PipelineEvent>> page(UUID organizationId, UUID pipelineId, long afterSequence, int rows) {
        return database.sql("""
                        SELECT e.sequence_number, e.payload_type, e.time_stamp, e.payload, e.meta_data
                        FROM domain_event_entry created
                        LEFT JOIN LATERAL (SELECT sequence_number, payload_type, time_stamp, payload, meta_data
                                           FROM domain_event_entry
                                           WHERE aggregate_identifier = created.aggregate_identifier
                                             AND sequence_number > :afterSequence
                                           ORDER BY sequence_number
                                           LIMIT :rows) e ON true
                        WHERE created.aggregate_identifier = :id
                          AND created.sequence_number = 0
                          AND created.payload_type = :createdType
                          AND convert_from(created.payload, 'UTF8')::jsonb ->> 'organization_id' = :organizationId
                        ORDER BY e.sequence_number""")
                .bind("id", pipelineId.toString())
                .bind("createdType", PipelineCreated.class.getName())
                .bind("organizationId", organizationId.toString())
                .bind("afterSequence", afterSequence)
                .bind("rows", rows)
                .map(row -> Optional.ofNullable(row.get("sequence_number", Long.class)).map(sequence -> toEvent(row)))
                .all()
                .collectList()
                .filter(found -> !found.isEmpty())
                .map(found -> found.stream().flatMap(Optional::stream).toList());
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
