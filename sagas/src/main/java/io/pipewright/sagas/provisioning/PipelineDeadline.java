package io.pipewright.sagas.provisioning;

import java.util.UUID;

/**
 * The payload of every deadline a {@link PipelineSaga} schedules: which pipeline (and organization) it is for. The
 * handlers need nothing from it (the saga knows its pipeline); the control plane's log context reads it, so a deadline
 * scheduled while the saga handled another object's event (a service's status change) still names its pipeline.
 */
public record PipelineDeadline(UUID pipelineId, UUID organizationId) {
}
