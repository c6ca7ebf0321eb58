package io.pipewright.command.pipeline;

/**
 * The optional body of {@code POST /organizations/{orgId}/pipelines/{id}/restart}. {@code resnapshot}: start the
 * capture over with a new snapshot of the same tables (the connector's offsets and slot are dropped first); absent or
 * false: resume from where the pipeline stopped, on the same slot, from its committed offsets.
 */
record RestartPipelineRequest(Boolean resnapshot) {
}
