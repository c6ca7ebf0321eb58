package io.pipewright.kernel.query;

import java.util.List;
import java.util.UUID;

/**
 * Answered with a {@link DagPipelineView} of {@code version} (null: the latest), or nothing when no live DAG pipeline of
 * one of {@code organizationIds} (the caller's) has the id, or it has no such version.
 */
public record FindDagPipeline(UUID pipelineId, List<UUID> organizationIds, Integer version) {

    public FindDagPipeline {
        organizationIds = List.copyOf(organizationIds);
    }
}
