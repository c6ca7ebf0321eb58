package io.pipewright.app.persistence;

import com.github.kagkarlsson.scheduler.ScheduledExecution;
import com.github.kagkarlsson.scheduler.ScheduledExecutionsFilter;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.exceptions.TaskInstanceException;
import java.util.Arrays;
import java.util.function.Predicate;
import org.axonframework.deadline.DeadlineManagerSpanFactory;
import org.axonframework.deadline.dbscheduler.DbSchedulerBinaryDeadlineDetails;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.axonframework.messaging.ScopeDescriptor;
import org.axonframework.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Axon's db-scheduler deadline manager, except that cancelling "all deadlines named N of this saga" tolerates what
 * happens between listing them and cancelling each: one of them starts running (picked) or finishes (removed) on a
 * scheduler thread. Axon 4.13.0 lists every execution, picked ones included, and lets db-scheduler's "Expected one
 * execution to be removed, but removed 0" escape the event processor's commit (db-scheduler#786): the whole batch is
 * rolled back and retried, and every saga of the processor waits meanwhile. Here only executions not yet picked are
 * listed, and one that was picked or removed in between is left alone: it is running or done, which is what the
 * saga's handler would see next anyway (every deadline handler of the sagas is idempotent).
 */
class RaceFreeCancellation extends DbSchedulerDeadlineManager {

    private static final Logger LOG = LoggerFactory.getLogger(RaceFreeCancellation.class);
    private static final String TASK_NAME = "AxonDeadline";

    private final Scheduler scheduler;
    private final Serializer serializer;
    private final DeadlineManagerSpanFactory spanFactory;

    RaceFreeCancellation(Builder builder, Scheduler scheduler, Serializer serializer,
                         DeadlineManagerSpanFactory spanFactory) {
        super(builder.scheduler(scheduler).serializer(serializer).spanFactory(spanFactory));
        this.scheduler = scheduler;
        this.serializer = serializer;
        this.spanFactory = spanFactory;
    }

    @Override
    public void cancelAll(String deadlineName) {
        runOnPrepareCommitOrNow(spanFactory.createCancelAllSpan(deadlineName).wrapRunnable(() ->
                cancelWaiting(details -> deadlineName.equals(details.getD()))));
    }

    @Override
    public void cancelAllWithinScope(String deadlineName, ScopeDescriptor scope) {
        byte[] serializedScope = serializer.serialize(scope, byte[].class).getData();
        runOnPrepareCommitOrNow(spanFactory.createCancelAllWithinScopeSpan(deadlineName, scope).wrapRunnable(() ->
                cancelWaiting(details -> deadlineName.equals(details.getD())
                        && Arrays.equals(serializedScope, details.getS()))));
    }

    private void cancelWaiting(Predicate<DbSchedulerBinaryDeadlineDetails> matching) {
        scheduler.fetchScheduledExecutionsForTask(TASK_NAME, DbSchedulerBinaryDeadlineDetails.class,
                ScheduledExecutionsFilter.all().withPicked(false), execution -> {
                    if (matching.test(execution.getData())) {
                        cancel(execution);
                    }
                });
    }

    private void cancel(ScheduledExecution<DbSchedulerBinaryDeadlineDetails> execution) {
        try {
            scheduler.cancel(execution.getTaskInstance());
        } catch (TaskInstanceException startedOrDone) {
            LOG.debug("Deadline {} started or ended while being cancelled: {}", execution.getTaskInstance().getId(),
                    startedOrDone.getMessage());
        }
    }
}
