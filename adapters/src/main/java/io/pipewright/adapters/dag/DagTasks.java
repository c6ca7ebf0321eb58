package io.pipewright.adapters.dag;

import io.pipewright.kernel.dag.DagTask;
import io.pipewright.sagas.dag.DagTaskRunner;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * The {@link DagTaskRunner} the run saga calls: each attempt goes to the adapter of its task's type, {@link SqlTask},
 * {@link QualityTask} or {@link NotificationTask}, which talk to the tenant's PostgreSQL and Kafka.
 */
@Component
public class DagTasks implements DagTaskRunner {

    private final SqlTask sql;
    private final QualityTask quality;
    private final NotificationTask notification;

    DagTasks(SqlTask sql, QualityTask quality, NotificationTask notification) {
        this.sql = sql;
        this.quality = quality;
        this.notification = notification;
    }

    @Override
    public Outcome run(Attempt attempt) {
        return switch (attempt.task().type()) {
            case DagTask.SQL -> sql.run(attempt);
            case DagTask.QUALITY -> quality.run(attempt);
            case DagTask.NOTIFICATION -> notification.run(attempt);
            default -> new Failed("task " + attempt.task().id() + " has type " + attempt.task().type()
                    + ", which no runner knows", false, List.of());
        };
    }
}
