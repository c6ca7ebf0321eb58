package io.pipewright.sagas.dag;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.kernel.dag.CancelDagRun;
import io.pipewright.kernel.dag.DagDefinition;
import io.pipewright.kernel.dag.DagPipelineDeleted;
import io.pipewright.kernel.dag.DagRunFailed;
import io.pipewright.kernel.dag.DagRunRequested;
import io.pipewright.kernel.dag.DagRunStarted;
import io.pipewright.kernel.dag.DagRunSucceeded;
import io.pipewright.kernel.dag.DagTask;
import io.pipewright.kernel.dag.DagTaskFailed;
import io.pipewright.kernel.dag.DagTaskSkipped;
import io.pipewright.kernel.dag.DagTaskSucceeded;
import io.pipewright.kernel.dag.RecordDagRunSlaMiss;
import io.pipewright.kernel.dag.ReleaseDagRun;
import io.pipewright.kernel.dag.StartDagRun;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A run as a timeline: the reference's daily_revenue_pipeline from request to end, retries, SLA, cancellation. */
class DagRunSagaTest {

    private static final UUID RUN = UUID.randomUUID();
    private static final UUID PIPELINE = UUID.randomUUID();
    private static final UUID ORGANIZATION = UUID.randomUUID();
    private static final UUID POSTGRES = UUID.randomUUID();
    private static final UUID KAFKA = UUID.randomUUID();
    private static final Instant NOW = Instant.parse("2026-11-26T06:00:00Z");

    private static final DagTask EXTRACT = new DagTask("extract_orders", DagTask.SQL,
            "SELECT * FROM raw.orders WHERE date = '${execution_date}'", "staging.orders_daily", List.of(), List.of(),
            null, null, 2, 30, 3600);
    private static final DagTask TRANSFORM = new DagTask("transform_revenue", DagTask.SQL,
            "SELECT region, SUM(amount) as revenue FROM staging.orders_daily GROUP BY region",
            "analytics.revenue_by_region", List.of("extract_orders"), List.of(), null, null, 2, 30, 3600);
    private static final DagTask QUALITY = new DagTask("quality_check", DagTask.QUALITY, null, null,
            List.of("transform_revenue"), List.of("row_count > 0", "revenue >= 0"), null, null, 0, 30, 3600);
    private static final DagTask NOTIFY = new DagTask("notify", DagTask.NOTIFICATION, null, null,
            List.of("quality_check"), List.of(), "slack", "Daily revenue pipeline completed", 2, 30, 60);
    private static final DagDefinition DAILY_REVENUE = new DagDefinition("daily_revenue_pipeline", "0 6 * * *",
            List.of(EXTRACT, TRANSFORM, QUALITY, NOTIFY), POSTGRES, "defaultdb", KAFKA, 1, 90,
            new DagDefinition.FailureNotification("slack", "Daily revenue pipeline failed"));
    private static final DagRunRequested REQUESTED = new DagRunRequested(PIPELINE, ORGANIZATION, RUN, 3,
            DAILY_REVENUE, "2026-11-26", "schedule", NOW, NOW);
    private static final DagRunStarted STARTED = new DagRunStarted(RUN, PIPELINE, ORGANIZATION, 3, DAILY_REVENUE,
            "2026-11-26", "schedule", NOW);

    private SagaTestFixture<DagRunSaga> fixture;
    private final RecordingQueue queue = new RecordingQueue();

    @BeforeEach
    void setUp() {
        fixture = new SagaTestFixture<>(DagRunSaga.class);
        fixture.registerResource(queue);
        fixture.registerCommandGateway(CommandGateway.class);
    }

    @Test
    void anAdmittedRunIsCreatedWithTheVersionItPinned() {
        fixture.givenCurrentTime(NOW)
                .whenPublishingA(REQUESTED)
                .expectActiveSagas(1)
                .expectDispatchedCommands(new StartDagRun(RUN, PIPELINE, ORGANIZATION, 3, DAILY_REVENUE,
                        "2026-11-26", "schedule"));
    }

    @Test
    void aStartedRunQueuesOnlyTheTasksWithoutDependenciesAndSetsItsSla() {
        fixture.givenCurrentTime(NOW).andThenAPublished(REQUESTED)
                .whenAggregate(RUN.toString()).publishes(STARTED)
                .expectScheduledDeadlineWithName(Duration.ofMinutes(90), DagRunSaga.SLA);
        assertThat(queue.keys()).containsExactly(RUN + "/extract_orders/1");
        DagTaskQueue.QueuedAttempt extract = queue.queued.get(0).attempt();
        assertThat(extract.pipelineName()).isEqualTo("daily_revenue_pipeline");
        assertThat(extract.executionDate()).isEqualTo("2026-11-26");
        assertThat(extract.postgresServiceId()).isEqualTo(POSTGRES);
        assertThat(extract.recordedOnRun()).isTrue();
        assertThat(queue.queued.get(0).at()).isEqualTo(NOW);
    }

    @Test
    void eachTaskIsQueuedOnceItsDependenciesSucceededWithTheirOutputs() {
        fixture.givenCurrentTime(NOW).andThenAPublished(REQUESTED).andThenAPublished(STARTED)
                .andThenAPublished(new DagTaskSucceeded(RUN, PIPELINE, "extract_orders", 1, 42L, List.of(), NOW))
                .whenPublishingA(new DagTaskSucceeded(RUN, PIPELINE, "transform_revenue", 1, 3L, List.of(), NOW));
        assertThat(queue.keys()).containsExactly(RUN + "/extract_orders/1", RUN + "/transform_revenue/1",
                RUN + "/quality_check/1");
        assertThat(queue.queued.get(2).attempt().upstreamOutputs()).containsExactly("analytics.revenue_by_region");
    }

    @Test
    void aFanInWaitsForAllItsDependencies() {
        DagTask left = sql("left", List.of());
        DagTask right = sql("right", List.of());
        DagTask join = sql("join", List.of("left", "right"));
        DagDefinition diamond = definition(List.of(left, right, join));
        fixture.givenCurrentTime(NOW).andThenAPublished(requested(diamond)).andThenAPublished(started(diamond))
                .whenPublishingA(new DagTaskSucceeded(RUN, PIPELINE, "left", 1, 1L, List.of(), NOW));
        assertThat(queue.keys()).containsExactly(RUN + "/left/1", RUN + "/right/1");
        fixture.whenPublishingA(new DagTaskSucceeded(RUN, PIPELINE, "right", 1, 1L, List.of(), NOW));
        assertThat(queue.keys()).containsExactly(RUN + "/left/1", RUN + "/right/1", RUN + "/join/1");
    }

    @Test
    void aFailedAttemptIsQueuedAgainAtTheRetryTimeTheRunRecorded() {
        Instant retryAt = NOW.plusSeconds(30);
        fixture.givenCurrentTime(NOW).andThenAPublished(REQUESTED).andThenAPublished(STARTED)
                .whenPublishingA(new DagTaskFailed(RUN, PIPELINE, "extract_orders", 1, "connection refused",
                        List.of(), retryAt, NOW));
        assertThat(queue.keys()).containsExactly(RUN + "/extract_orders/1", RUN + "/extract_orders/2");
        assertThat(queue.queued.get(1).at()).isEqualTo(retryAt);
    }

    @Test
    void atMostABoundOfTasksOfARunAreQueuedAtOnce() {
        List<DagTask> wide = IntStream.range(0, DagRunSaga.MAX_PARALLEL_TASKS + 2)
                .mapToObj(i -> sql("t" + i, List.of())).toList();
        DagDefinition fanOut = definition(wide);
        fixture.givenCurrentTime(NOW).andThenAPublished(requested(fanOut)).whenPublishingA(started(fanOut));
        assertThat(queue.queued).hasSize(DagRunSaga.MAX_PARALLEL_TASKS);
        fixture.whenPublishingA(new DagTaskSucceeded(RUN, PIPELINE, "t0", 1, 1L, List.of(), NOW));
        assertThat(queue.queued).hasSize(DagRunSaga.MAX_PARALLEL_TASKS + 1);
        fixture.whenPublishingA(new DagTaskFailed(RUN, PIPELINE, "t1", 3, "boom", List.of(), null, NOW));
        assertThat(queue.keys()).last().isEqualTo(RUN + "/t" + (DagRunSaga.MAX_PARALLEL_TASKS + 1) + "/1");
    }

    @Test
    void aSucceededRunReleasesItsPlaceAndEnds() {
        fixture.givenCurrentTime(NOW).andThenAPublished(REQUESTED).andThenAPublished(STARTED)
                .whenPublishingA(new DagRunSucceeded(RUN, PIPELINE, ORGANIZATION, NOW))
                .expectActiveSagas(0)
                .expectDispatchedCommands(new ReleaseDagRun(PIPELINE, RUN))
                .expectNoScheduledDeadlines();
    }

    @Test
    void aFailedRunReleasesItsPlaceAndQueuesItsOnFailureNotification() {
        fixture.givenCurrentTime(NOW).andThenAPublished(REQUESTED).andThenAPublished(STARTED)
                .andThenAPublished(new DagTaskFailed(RUN, PIPELINE, "extract_orders", 3, "boom", List.of(), null,
                        NOW))
                .andThenAPublished(new DagTaskSkipped(RUN, PIPELINE, "transform_revenue",
                        "upstream task extract_orders failed", NOW))
                .whenPublishingA(new DagRunFailed(RUN, PIPELINE, ORGANIZATION, List.of("extract_orders"), NOW))
                .expectActiveSagas(0)
                .expectDispatchedCommands(new ReleaseDagRun(PIPELINE, RUN));
        DagTaskQueue.QueuedAttempt notification = queue.queued.get(queue.queued.size() - 1).attempt();
        assertThat(notification.task().type()).isEqualTo(DagTask.NOTIFICATION);
        assertThat(notification.task().message()).isEqualTo("Daily revenue pipeline failed");
        assertThat(notification.runStatus()).isEqualTo("failed");
        assertThat(notification.recordedOnRun()).isFalse();
    }

    @Test
    void aRunStillActiveAtItsSlaRecordsTheMiss() {
        fixture.givenCurrentTime(NOW).andThenAPublished(REQUESTED).andThenAPublished(STARTED)
                .whenTimeElapses(Duration.ofMinutes(90))
                .expectDispatchedCommands(new RecordDagRunSlaMiss(RUN));
    }

    @Test
    void aPipelineDeletedWithItsActiveRunsCancelledCancelsThisRun() {
        fixture.givenCurrentTime(NOW).andThenAPublished(REQUESTED).andThenAPublished(STARTED)
                .whenPublishingA(new DagPipelineDeleted(PIPELINE, ORGANIZATION, List.of(RUN), true, NOW))
                .expectDispatchedCommands(new CancelDagRun(RUN, "the pipeline was deleted"));
    }

    @Test
    void aPipelineDeletedWhileItsRunsFinishLeavesThisRunGoing() {
        fixture.givenCurrentTime(NOW).andThenAPublished(REQUESTED).andThenAPublished(STARTED)
                .whenPublishingA(new DagPipelineDeleted(PIPELINE, ORGANIZATION, List.of(RUN), false, NOW))
                .expectNoDispatchedCommands()
                .expectActiveSagas(1);
    }

    private static DagTask sql(String id, List<String> dependsOn) {
        return new DagTask(id, DagTask.SQL, "SELECT 1 AS one", "work." + id, dependsOn, List.of(), null, null, 2, 30,
                3600);
    }

    private static DagDefinition definition(List<DagTask> tasks) {
        return new DagDefinition("fan", null, tasks, POSTGRES, "defaultdb", null, 1, null, null);
    }

    private static DagRunRequested requested(DagDefinition definition) {
        return new DagRunRequested(PIPELINE, ORGANIZATION, RUN, 1, definition, "2026-11-26", "manual", null, NOW);
    }

    private static DagRunStarted started(DagDefinition definition) {
        return new DagRunStarted(RUN, PIPELINE, ORGANIZATION, 1, definition, "2026-11-26", "manual", NOW);
    }

    /** The queue as the saga sees it: what was queued, in order, for when. */
    static final class RecordingQueue implements DagTaskQueue {

        record Queued(QueuedAttempt attempt, Instant at) {
        }

        final List<Queued> queued = new ArrayList<>();

        @Override
        public void enqueue(QueuedAttempt attempt, Instant at) {
            queued.add(new Queued(attempt, at));
        }

        List<String> keys() {
            return queued.stream().map(entry -> entry.attempt().key()).toList();
        }
    }
}
