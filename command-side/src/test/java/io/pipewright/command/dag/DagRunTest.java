package io.pipewright.command.dag;

import static io.pipewright.command.dag.DagHistory.*;

import io.pipewright.kernel.CommandRefused;
import io.pipewright.kernel.dag.CancelDagRun;
import io.pipewright.kernel.dag.CheckResult;
import io.pipewright.kernel.dag.CompleteDagTask;
import io.pipewright.kernel.dag.DagDefinition;
import io.pipewright.kernel.dag.DagRunCancelled;
import io.pipewright.kernel.dag.DagRunFailed;
import io.pipewright.kernel.dag.DagRunSlaMissed;
import io.pipewright.kernel.dag.DagRunStarted;
import io.pipewright.kernel.dag.DagRunSucceeded;
import io.pipewright.kernel.dag.DagTaskFailed;
import io.pipewright.kernel.dag.DagTaskSkipped;
import io.pipewright.kernel.dag.DagTaskStarted;
import io.pipewright.kernel.dag.DagTaskSucceeded;
import io.pipewright.kernel.dag.FailDagTaskAttempt;
import io.pipewright.kernel.dag.RecordDagRunSlaMiss;
import io.pipewright.kernel.dag.StartDagRun;
import io.pipewright.kernel.dag.StartDagTask;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs of the reference DAG (plus an independent archive task) as timelines of events. */
class DagRunTest {

    private static final DagRunStarted STARTED = runStarted(DEFINITION);
    private static final List<CheckResult> CHECKS = List.of(new CheckResult("row_count > 0", true, 0, 3L),
            new CheckResult("revenue >= 0", true, 0, null));

    private FixtureConfiguration<DagRun> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(DagRun.class);
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static DagTaskStarted started(String task, int attempt) {
        return new DagTaskStarted(RUN, ID, task, attempt, NOW);
    }

    private static DagTaskSucceeded succeeded(String task, int attempt) {
        return new DagTaskSucceeded(RUN, ID, task, attempt, 10L, List.of(), NOW);
    }

    /** The run started, then the given events. */
    private static List<Object> run(Object... events) {
        List<Object> history = new ArrayList<>(List.of(STARTED));
        history.addAll(List.of(events));
        return history;
    }

    @Test
    void startsWithTheDefinitionItPinned() {
        fixture.givenNoPriorActivity()
                .when(new StartDagRun(RUN, ID, ORG, 1, DEFINITION, "2026-11-26", "manual"))
                .expectEvents(STARTED);
    }

    @Test
    void aTaskWithoutDependenciesStartsWithAttemptOne() {
        fixture.given(run())
                .when(new StartDagTask(RUN, "extract_orders", 1))
                .expectResultMessagePayload(true)
                .expectEvents(started("extract_orders", 1));
    }

    @Test
    void theRunningAttemptAskedAgainAfterItsWorkerDiedMayRunAgainWithoutANewEvent() {
        fixture.given(run(started("extract_orders", 1)))
                .when(new StartDagTask(RUN, "extract_orders", 1))
                .expectResultMessagePayload(true)
                .expectNoEvents();
    }

    @Test
    void refusesATaskWhoseDependenciesDidNotSucceed() {
        fixture.given(run(started("extract_orders", 1)))
                .when(new StartDagTask(RUN, "transform_revenue", 1))
                .expectException(CommandRefused.class)
                .expectExceptionMessage("task transform_revenue waits for extract_orders to succeed")
                .expectNoEvents();
    }

    @Test
    void refusesAnAttemptThatIsNotTheNext() {
        fixture.given(run())
                .when(new StartDagTask(RUN, "extract_orders", 2))
                .expectException(CommandRefused.class)
                .expectNoEvents();
    }

    @Test
    void refusesATaskTheRunDoesNotHave() {
        fixture.given(run())
                .when(new StartDagTask(RUN, "nope", 1))
                .expectException(CommandRefused.class)
                .expectNoEvents();
    }

    @Test
    void aTaskThatSucceededDoesNotStartAgain() {
        fixture.given(run(started("extract_orders", 1), succeeded("extract_orders", 1)))
                .when(new StartDagTask(RUN, "extract_orders", 2))
                .expectResultMessagePayload(false)
                .expectNoEvents();
    }

    @Test
    void completesTheCurrentAttemptWithItsRowsAndChecks() {
        fixture.given(run(started("extract_orders", 1), succeeded("extract_orders", 1),
                        started("transform_revenue", 1), succeeded("transform_revenue", 1),
                        started("quality_check", 1)))
                .when(new CompleteDagTask(RUN, "quality_check", 1, null, CHECKS))
                .expectResultMessagePayload(true)
                .expectEvents(new DagTaskSucceeded(RUN, ID, "quality_check", 1, null, CHECKS, NOW));
    }

    @Test
    void theLastTaskToSucceedEndsTheRun() {
        fixture.given(run(started("extract_orders", 1), succeeded("extract_orders", 1),
                        started("transform_revenue", 1), succeeded("transform_revenue", 1),
                        started("quality_check", 1), succeeded("quality_check", 1), started("archive", 1),
                        succeeded("archive", 1), started("notify", 1)))
                .when(new CompleteDagTask(RUN, "notify", 1, null, List.of()))
                .expectEvents(new DagTaskSucceeded(RUN, ID, "notify", 1, null, List.of(), NOW),
                        new DagRunSucceeded(RUN, ID, ORG, NOW));
    }

    @Test
    void aResultOfAnEarlierAttemptIsIgnored() {
        List<Object> retried = run(started("extract_orders", 1),
                new DagTaskFailed(RUN, ID, "extract_orders", 1, "timeout", List.of(), NOW.plusSeconds(30), NOW),
                started("extract_orders", 2));
        fixture.given(retried)
                .when(new CompleteDagTask(RUN, "extract_orders", 1, 5L, List.of()))
                .expectResultMessagePayload(false)
                .expectNoEvents();
        fixture.given(retried)
                .when(new FailDagTaskAttempt(RUN, "extract_orders", 1, "late", true, List.of()))
                .expectResultMessagePayload(false)
                .expectNoEvents();
    }

    @Test
    void aRetryableFailureIsRetriedAfterTheBackoffDoubledPerAttempt() {
        fixture.given(run(started("extract_orders", 1)))
                .when(new FailDagTaskAttempt(RUN, "extract_orders", 1, "connection refused", true, List.of()))
                .expectResultMessagePayload(true)
                .expectEvents(new DagTaskFailed(RUN, ID, "extract_orders", 1, "connection refused", List.of(),
                        NOW.plusSeconds(30), NOW));
        fixture.given(run(started("extract_orders", 1),
                        new DagTaskFailed(RUN, ID, "extract_orders", 1, "e", List.of(), NOW.plusSeconds(30), NOW),
                        started("extract_orders", 2)))
                .when(new FailDagTaskAttempt(RUN, "extract_orders", 2, "connection refused", true, List.of()))
                .expectEvents(new DagTaskFailed(RUN, ID, "extract_orders", 2, "connection refused", List.of(),
                        NOW.plusSeconds(60), NOW));
    }

    @Test
    void aRetryingTaskStartsItsNextAttempt() {
        fixture.given(run(started("extract_orders", 1),
                        new DagTaskFailed(RUN, ID, "extract_orders", 1, "e", List.of(), NOW.plusSeconds(30), NOW)))
                .when(new StartDagTask(RUN, "extract_orders", 2))
                .expectEvents(started("extract_orders", 2));
    }

    @Test
    void theLastRetryFailsTheTaskSkipsWhatIsDownstreamAndLetsTheOtherBranchGoOn() {
        fixture.given(run(started("archive", 1), started("extract_orders", 1),
                        new DagTaskFailed(RUN, ID, "extract_orders", 1, "e", List.of(), NOW.plusSeconds(30), NOW),
                        started("extract_orders", 2),
                        new DagTaskFailed(RUN, ID, "extract_orders", 2, "e", List.of(), NOW.plusSeconds(60), NOW),
                        started("extract_orders", 3)))
                .when(new FailDagTaskAttempt(RUN, "extract_orders", 3, "relation raw.orders does not exist", true,
                        List.of()))
                .expectEvents(new DagTaskFailed(RUN, ID, "extract_orders", 3, "relation raw.orders does not exist",
                                List.of(), null, NOW),
                        new DagTaskSkipped(RUN, ID, "transform_revenue", "upstream task extract_orders failed", NOW),
                        new DagTaskSkipped(RUN, ID, "quality_check", "upstream task extract_orders failed", NOW),
                        new DagTaskSkipped(RUN, ID, "notify", "upstream task extract_orders failed", NOW));
    }

    @Test
    void theRunFailsOnceNothingElseIsRunning() {
        List<Object> failedBranch = run(started("archive", 1), started("extract_orders", 1));
        failedBranch.addAll(List.of(
                new DagTaskFailed(RUN, ID, "extract_orders", 1, "e", List.of(), null, NOW),
                new DagTaskSkipped(RUN, ID, "transform_revenue", "upstream task extract_orders failed", NOW),
                new DagTaskSkipped(RUN, ID, "quality_check", "upstream task extract_orders failed", NOW),
                new DagTaskSkipped(RUN, ID, "notify", "upstream task extract_orders failed", NOW)));
        fixture.given(failedBranch)
                .when(new CompleteDagTask(RUN, "archive", 1, 7L, List.of()))
                .expectEvents(new DagTaskSucceeded(RUN, ID, "archive", 1, 7L, List.of(), NOW),
                        new DagRunFailed(RUN, ID, ORG, List.of("extract_orders"), NOW));
    }

    @Test
    void aFailingQualityCheckFailsAtOnceAndEndsTheRun() {
        List<CheckResult> broken = List.of(new CheckResult("row_count > 0", true, 0, 3L),
                new CheckResult("revenue >= 0", false, 2, null));
        fixture.given(run(started("archive", 1), succeeded("archive", 1), started("extract_orders", 1),
                        succeeded("extract_orders", 1), started("transform_revenue", 1),
                        succeeded("transform_revenue", 1), started("quality_check", 1)))
                .when(new FailDagTaskAttempt(RUN, "quality_check", 1, "check revenue >= 0 failed: 2 rows", false,
                        broken))
                .expectEvents(new DagTaskFailed(RUN, ID, "quality_check", 1, "check revenue >= 0 failed: 2 rows",
                                broken, null, NOW),
                        new DagTaskSkipped(RUN, ID, "notify", "upstream task quality_check failed", NOW),
                        new DagRunFailed(RUN, ID, ORG, List.of("quality_check"), NOW));
    }

    @Test
    void aTaskOfAnEndedRunDoesNotStart() {
        fixture.given(run(new DagRunCancelled(RUN, ID, ORG, "cancelled by alice", NOW)))
                .when(new StartDagTask(RUN, "extract_orders", 1))
                .expectResultMessagePayload(false)
                .expectNoEvents();
    }

    @Test
    void cancellingEndsTheRunAndItsRunningAttemptNoLongerCounts() {
        fixture.given(run(started("extract_orders", 1)))
                .when(new CancelDagRun(RUN, "cancelled by alice"))
                .expectEvents(new DagRunCancelled(RUN, ID, ORG, "cancelled by alice", NOW));
        fixture.given(run(started("extract_orders", 1), new DagRunCancelled(RUN, ID, ORG, "cancelled", NOW)))
                .when(new CompleteDagTask(RUN, "extract_orders", 1, 1L, List.of()))
                .expectResultMessagePayload(false)
                .expectNoEvents();
    }

    @Test
    void anEndedRunCannotBeCancelled() {
        fixture.given(run(new DagRunCancelled(RUN, ID, ORG, "cancelled", NOW)))
                .when(new CancelDagRun(RUN, "again"))
                .expectException(CommandRefused.class)
                .expectExceptionMessage("run " + RUN + " already ended: cancelled")
                .expectNoEvents();
    }

    @Test
    void anSlaMissIsRecordedOnceWhileTheRunIsActive() {
        DagDefinition withSla = definition("0 6 * * *", 1, 30);
        DagRunStarted startedWithSla = runStarted(withSla);
        fixture.given(startedWithSla)
                .when(new RecordDagRunSlaMiss(RUN))
                .expectResultMessagePayload(true)
                .expectEvents(new DagRunSlaMissed(RUN, ID, ORG, 30, NOW));
        fixture.given(startedWithSla, new DagRunSlaMissed(RUN, ID, ORG, 30, NOW))
                .when(new RecordDagRunSlaMiss(RUN))
                .expectResultMessagePayload(false)
                .expectNoEvents();
        fixture.given(startedWithSla, new DagRunCancelled(RUN, ID, ORG, "cancelled", NOW))
                .when(new RecordDagRunSlaMiss(RUN))
                .expectNoEvents();
    }

    @Test
    void aRunWithoutSlaRecordsNoMiss() {
        fixture.given(run())
                .when(new RecordDagRunSlaMiss(RUN))
                .expectResultMessagePayload(false)
                .expectNoEvents();
    }
}
