package io.pipewright.command.pipeline;

import static io.pipewright.command.pipeline.PipelineHistory.CREATED;
import static io.pipewright.command.pipeline.PipelineHistory.ID;
import static io.pipewright.command.pipeline.PipelineHistory.NOW;
import static io.pipewright.command.pipeline.PipelineHistory.running;

import io.pipewright.kernel.pipeline.DataGapDetected;
import io.pipewright.kernel.pipeline.PauseCause;
import io.pipewright.kernel.pipeline.PipelineDeletionRequested;
import io.pipewright.kernel.pipeline.PipelineFailed;
import io.pipewright.kernel.pipeline.PipelinePaused;
import io.pipewright.kernel.pipeline.PipelineRestartRequested;
import io.pipewright.kernel.pipeline.PipelineStatus;
import io.pipewright.kernel.pipeline.PipelineRunning;
import io.pipewright.kernel.pipeline.RecordDataGap;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A lost slot is a data gap: recorded once, healed only by a restart that re-snapshots. */
class PipelineDataGapTest {

    private static final String LOST = "the replication slot was invalidated by the source (wal_removed)";
    private static final Instant LATER = NOW.plusSeconds(60);
    private static final DataGapDetected GAP = new DataGapDetected(ID, "0/1A2B3C4", LOST, NOW);

    private FixtureConfiguration<Pipeline> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Pipeline.class);
        fixture.registerInjectableResource(new InMemoryPipelineRegistry());
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void aLostSlotOfARunningPipelineIsRecordedAsADataGap() {
        fixture.given(running())
                .when(new RecordDataGap(ID, "0/1A2B3C4", LOST, NOW))
                .expectEvents(GAP);
    }

    @Test
    void aPausedOrFailedPipelineRecordsItToo() {
        fixture.given(running(new PipelinePaused(ID, PauseCause.REQUESTED, NOW)))
                .when(new RecordDataGap(ID, "0/1A2B3C4", LOST, NOW))
                .expectEvents(GAP);
        fixture.given(running(new PipelineFailed(ID, null, "connector task failed: gone", NOW)))
                .when(new RecordDataGap(ID, "0/1A2B3C4", LOST, NOW))
                .expectEvents(GAP);
    }

    @Test
    void theGapIsRecordedOnceHoweverManyRoundsSeeIt() {
        fixture.given(running(GAP))
                .when(new RecordDataGap(ID, "0/1A2B3C4", "the replication slot is missing on the primary", LATER))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void aRestartWithAResnapshotClosesTheGapSoALaterLossIsRecordedAgain() {
        fixture.given(running(GAP, new PipelineRestartRequested(ID, true, PipelineStatus.RUNNING, NOW.plusSeconds(1)),
                        new PipelineRunning(ID, "RUNNING", PipelineHistory.TASKS, NOW.plusSeconds(2))))
                .when(new RecordDataGap(ID, "0/2000000", LOST, LATER))
                .expectEvents(new DataGapDetected(ID, "0/2000000", LOST, LATER));
    }

    @Test
    void aRestartWithoutAResnapshotLeavesTheGapOpen() {
        fixture.given(running(GAP, new PipelineRestartRequested(ID, false, PipelineStatus.RUNNING, NOW.plusSeconds(1)),
                        new PipelineRunning(ID, "RUNNING", PipelineHistory.TASKS, NOW.plusSeconds(2))))
                .when(new RecordDataGap(ID, "0/2000000", LOST, LATER))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void aLossObservedBeforeTheResnapshotWasAskedForIsAlreadyHealed() {
        fixture.given(running(GAP, new PipelineRestartRequested(ID, true, PipelineStatus.RUNNING, LATER)))
                .when(new RecordDataGap(ID, "0/1A2B3C4", LOST, NOW.plusSeconds(30)))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void aPipelineNotYetProvisionedOrBeingDeletedRecordsNoGap() {
        fixture.given(CREATED)
                .when(new RecordDataGap(ID, null, LOST, NOW))
                .expectNoEvents();
        fixture.given(running(new PipelineDeletionRequested(ID, PipelineStatus.RUNNING, null, NOW)))
                .when(new RecordDataGap(ID, "0/1A2B3C4", LOST, LATER))
                .expectNoEvents();
    }
}
