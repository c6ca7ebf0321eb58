package io.pipewright.kernel.dag;

import java.time.Instant;
import java.util.UUID;

/** The pipeline's schedule as configured; due times are counted from {@code at}. */
public record DagScheduleConfigured(UUID pipelineId, UUID organizationId, DagSchedule schedule, Instant at) {
}
