package io.pipewright.app.dag;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.kagkarlsson.scheduler.SchedulerClient;
import io.pipewright.sagas.dag.DagTaskQueue;
import java.time.Instant;
import org.springframework.context.annotation.Lazy;
import org.springframework.stereotype.Component;

/**
 * The run saga's queue as rows of db-scheduler's table: the attempt's key is the row's instance id, so queueing an
 * attempt twice (a saga handler retried after a rollback) keeps one row; {@link DagTaskAttempts} runs them.
 */
@Component
class SchedulerDagTaskQueue implements DagTaskQueue {

    private final SchedulerClient scheduler;
    private final ObjectMapper json;

    /** Lazy: the scheduler is built from every task bean, the attempts' worker among them. */
    SchedulerDagTaskQueue(@Lazy SchedulerClient scheduler, ObjectMapper json) {
        this.scheduler = scheduler;
        this.json = json;
    }

    @Override
    public void enqueue(QueuedAttempt attempt, Instant at) {
        scheduler.scheduleIfNotExists(DagTaskAttempts.ATTEMPT.instance(attempt.key())
                .data(DagTaskAttempts.write(json, attempt)).build(), at);
    }
}
