package io.pipewright.app.dag;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.kernel.dag.DagSchedule;
import io.pipewright.kernel.dag.DagSchedule.CatchUp;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The reference's "0 6 * * *" in a zone, and what runs after a control plane was down over several due times. */
class DueTimesTest {

    private static final DagSchedule DAILY_HELSINKI = new DagSchedule("0 6 * * *", "Europe/Helsinki", true,
            CatchUp.LATEST);

    @Test
    void theNextDueTimeIsSixInTheMorningInTheSchedulesZone() {
        assertThat(DueTimes.next(DAILY_HELSINKI, Instant.parse("2026-11-26T03:59:00Z")))
                .isEqualTo(Instant.parse("2026-11-26T04:00:00Z"));
        assertThat(DueTimes.next(DAILY_HELSINKI, Instant.parse("2026-11-26T04:00:00Z")))
                .isEqualTo(Instant.parse("2026-11-27T04:00:00Z"));
        assertThat(DueTimes.executionDate(DAILY_HELSINKI, Instant.parse("2026-11-26T04:00:00Z")))
                .isEqualTo("2026-11-26");
    }

    @Test
    void aDueTimeReachedOnTimeRunsWhateverTheCatchUp() {
        Instant due = Instant.parse("2026-11-26T04:00:00Z");
        for (CatchUp catchUp : CatchUp.values()) {
            assertThat(DueTimes.toRun(schedule(catchUp), due, due.plusSeconds(2))).containsExactly(due);
        }
    }

    @Test
    void afterThreeDaysDownAllRunsEachLatestTheLastAndNoneNothing() {
        Instant first = Instant.parse("2026-11-23T04:00:00Z");
        Instant now = Instant.parse("2026-11-26T09:00:00Z");
        assertThat(DueTimes.toRun(schedule(CatchUp.ALL), first, now)).containsExactly(first,
                Instant.parse("2026-11-24T04:00:00Z"), Instant.parse("2026-11-25T04:00:00Z"),
                Instant.parse("2026-11-26T04:00:00Z"));
        assertThat(DueTimes.toRun(schedule(CatchUp.LATEST), first, now))
                .containsExactly(Instant.parse("2026-11-26T04:00:00Z"));
        assertThat(DueTimes.toRun(schedule(CatchUp.NONE), first, now)).isEmpty();
    }

    @Test
    void catchingUpEveryMissedDueTimeIsBounded() {
        DagSchedule everyMinute = new DagSchedule("* * * * *", "UTC", true, CatchUp.ALL);
        Instant from = Instant.parse("2026-11-26T00:00:00Z");
        assertThat(DueTimes.toRun(everyMinute, from, from.plusSeconds(3600 * 24))).hasSize(DueTimes.MAX_CATCH_UP);
    }

    @Test
    void nothingRunsBeforeItsDueTime() {
        Instant due = Instant.parse("2026-11-26T04:00:00Z");
        assertThat(DueTimes.toRun(DAILY_HELSINKI, due, due.minusSeconds(1))).isEmpty();
    }

    private static DagSchedule schedule(CatchUp catchUp) {
        return new DagSchedule("0 6 * * *", "Europe/Helsinki", true, catchUp);
    }
}
