package io.pipewright.query.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One entry of a pipeline's audit trail: the event as stored, and who or what caused it (the {@code actor} the
 * command carried), null when nobody was recorded.
 */
public record PipelineEvent(long sequence, String type, Instant timestamp, JsonNode payload, String causedBy) {
}
