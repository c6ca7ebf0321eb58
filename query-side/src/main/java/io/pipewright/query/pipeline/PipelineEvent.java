package io.pipewright.query.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * One entry of a pipeline's audit trail: the event as stored, and who or what caused it (the {@code actor} the
 * command carried), null when nobody was recorded.
 */
public record PipelineEvent(long sequence, String type, Instant timestamp,
                            @Schema(implementation = Object.class, description = "The event's fields, as stored.")
                            JsonNode payload, String causedBy) {
}
