package io.pipewright.kernel.dag;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * One version of a DAG pipeline: the reference's {@code name}, {@code schedule} (five-field cron, or null for runs on
 * request only) and {@code tasks}, plus where it runs: the registered PostgreSQL service and database the SQL and
 * quality tasks run on, the registered Kafka service notifications go to (null when the DAG sends none), how many runs
 * may be active at once, the SLA of a run in minutes (null: none), and the notification sent when a run fails (null:
 * none). Already validated.
 */
public record DagDefinition(String name, String schedule, List<DagTask> tasks, UUID postgresServiceId, String database,
                            UUID kafkaServiceId, int maxActiveRuns, Integer slaMinutes, FailureNotification onFailure) {

    /** Where a failed run is announced, in the same shape as a notification task. */
    public record FailureNotification(String channel, String message) {
    }

    public DagDefinition {
        tasks = List.copyOf(tasks);
    }

    public Optional<DagTask> task(String id) {
        return tasks.stream().filter(task -> task.id().equals(id)).findFirst();
    }
}
