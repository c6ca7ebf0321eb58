package io.pipewright.kernel.query;

import java.time.Instant;
import java.util.UUID;

/** The full pipeline object of the reference ({@code GET /organizations/{orgId}/pipelines/{id}}); wire values. */
public record PipelineView(UUID id, UUID organizationId, String name, String pipelineType, UUID sourceServiceId,
                           UUID sinkServiceId, String status, String provisionStep, PipelineConfigView config,
                           String errorMessage, Instant createdAt, Instant updatedAt) {
}
