package io.pipewright.app.dag;

import io.pipewright.kernel.dag.DagSchedule;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import org.springframework.scheduling.support.CronExpression;

/**
 * The due times of a five-field cron in its time zone (Spring's cron, with the seconds field fixed at 0), and which of
 * those missed while no control plane ran are run, as the schedule's catch-up says: {@code all} each (at most
 * {@value #MAX_CATCH_UP}), {@code latest} the last one, {@code none} only one that is at most {@link #ON_TIME} late.
 */
final class DueTimes {

    static final int MAX_CATCH_UP = 100;
    /** How late a due time may fire and still count as on time when missed ones are not caught up. */
    static final Duration ON_TIME = Duration.ofMinutes(5);

    private DueTimes() {
    }

    /** The first due time strictly after {@code after}, or null for a cron that never fires again. */
    static Instant next(DagSchedule schedule, Instant after) {
        ZonedDateTime next = CronExpression.parse("0 " + schedule.cron())
                .next(ZonedDateTime.ofInstant(after, ZoneId.of(schedule.timeZone())));
        return next == null ? null : next.toInstant();
    }

    /** The due times from {@code from} (a due time) up to {@code now} that run now, oldest first. */
    static List<Instant> toRun(DagSchedule schedule, Instant from, Instant now) {
        List<Instant> due = new ArrayList<>();
        for (Instant at = from; at != null && !at.isAfter(now); at = next(schedule, at)) {
            due.add(at);
            if (schedule.catchUp() == DagSchedule.CatchUp.ALL && due.size() == MAX_CATCH_UP) {
                break;
            }
        }
        if (due.isEmpty() || schedule.catchUp() == DagSchedule.CatchUp.ALL) {
            return due;
        }
        Instant latest = due.get(due.size() - 1);
        boolean onTime = !latest.isBefore(now.minus(ON_TIME));
        return schedule.catchUp() == DagSchedule.CatchUp.LATEST || onTime ? List.of(latest) : List.of();
    }

    /** The ISO date a run due at {@code dueAt} is for: the due time's date in the schedule's zone. */
    static String executionDate(DagSchedule schedule, Instant dueAt) {
        return dueAt.atZone(ZoneId.of(schedule.timeZone())).toLocalDate().toString();
    }
}
