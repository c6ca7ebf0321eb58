package io.pipewright.sagas.provisioning;

import io.pipewright.kernel.pipeline.ConnectorHealth;
import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.pipeline.TaskState;
import java.time.Instant;
import java.util.List;

/** The running pipeline's connector on its Kafka Connect worker: what the reconciler observes and does to it. */
public interface ConnectorControl {

    /**
     * Connect's view of the connector: its state ({@link ConnectorHealth#MISSING} when the worker does not know it),
     * its tasks, and the first failure's trace without secrets, or null; {@code observedAt}: when Connect was asked.
     */
    record ConnectorStatus(String state, List<TaskState> tasks, String errorMessage, Instant observedAt) {

        public ConnectorStatus {
            tasks = List.copyOf(tasks);
        }

        public boolean healthy() {
            return ConnectorHealth.healthy(state, tasks);
        }

        /** The connector and every task paused, when {@code paused}; else all running. */
        public boolean inDesiredState(boolean paused) {
            String desired = paused ? ConnectorHealth.PAUSED : ConnectorHealth.RUNNING;
            return desired.equals(state) && tasks.stream().allMatch(task -> desired.equals(task.state()));
        }
    }

    ConnectorStatus observe(PipelineSpec pipeline);

    /**
     * Pauses or resumes the connector as {@link PipelineSpec#paused()} says (the slot stays either way), waits until
     * Connect reports it so, and returns what it reports.
     */
    ConnectorStatus applyDesiredState(PipelineSpec pipeline);

    /**
     * Restarts what failed (the connector, its failed tasks); a stopped connector is resumed (same slot, committed
     * offsets); a connector the worker lost is created again.
     */
    void restartFailed(PipelineSpec pipeline);

    /**
     * Stops the connector (Connect's {@code PUT /connectors/{name}/stop}): its tasks end and release the replication
     * slot, its config and committed offsets stay, so {@link #restartFailed} takes it up where it stopped. Nothing for
     * a connector the worker does not have.
     */
    void stop(PipelineSpec pipeline);

    /**
     * After a failover: the role, its refreshed password and the pg_hba entry in place on {@code primary}, then the
     * connector re-pointed there; returns once it runs (or is paused, if it should be).
     */
    void repoint(PipelineSpec pipeline, SourceNode primary);
}
