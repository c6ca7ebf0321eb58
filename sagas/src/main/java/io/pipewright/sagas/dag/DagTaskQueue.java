package io.pipewright.sagas.dag;

import io.pipewright.kernel.dag.DagTask;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Where the run saga puts the attempts of its tasks: a durable queue (db-scheduler's table) whose workers run each
 * attempt outside the saga, so a task that runs for an hour holds neither the saga nor its event processor, and an
 * attempt queued before a crash runs after the restart. The same attempt queued twice runs once.
 */
public interface DagTaskQueue {

    void enqueue(QueuedAttempt attempt, Instant at);

    /**
     * One attempt of a task and what running it needs, pinned to the run's version. {@code recordedOnRun}: false for
     * the run's {@code on_failure} notification, which is no task of the run (its outcome is logged, not recorded).
     */
    record QueuedAttempt(UUID runId, UUID pipelineId, UUID organizationId, String pipelineName, String executionDate,
                         DagTask task, int attempt, List<String> upstreamOutputs, UUID postgresServiceId,
                         String database, UUID kafkaServiceId, String runStatus, boolean recordedOnRun) {

        public QueuedAttempt {
            upstreamOutputs = List.copyOf(upstreamOutputs);
        }

        /** The queue's name of this attempt: the same for the same attempt, whoever queues it. */
        public String key() {
            return runId + "/" + task.id() + "/" + attempt;
        }
    }
}
