package io.pipewright.sagas.dag;

import java.util.UUID;

/** The payload of a run saga's deadline: which run, pipeline and organization it is for (read by the log context). */
public record DagRunDeadline(UUID runId, UUID pipelineId, UUID organizationId) {
}
