package io.pipewright.kernel.query;

import io.pipewright.kernel.dag.DagDefinition;
import io.pipewright.kernel.dag.DagSchedule;
import java.time.Instant;
import java.util.UUID;

/**
 * A DAG pipeline as the API shows it: one version's definition (the reference's JSON and what running it needs), the
 * latest version's number, the schedule and when it next fires (null: off or none), who wrote this version and when.
 */
public record DagPipelineView(UUID id, UUID organizationId, String name, int version, int latestVersion,
                              DagDefinition definition, DagSchedule schedule, Instant nextRunAt, String author,
                              Instant versionCreatedAt, Instant createdAt, Instant updatedAt) {
}
