package io.pipewright.kernel.query;

import java.util.List;
import java.util.UUID;

/** Answered with a {@link DagRunView}, or nothing when the run is not one of that pipeline of the caller's organizations. */
public record FindDagRun(UUID pipelineId, UUID runId, List<UUID> organizationIds) {

    public FindDagRun {
        organizationIds = List.copyOf(organizationIds);
    }
}
