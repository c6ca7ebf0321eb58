package io.pipewright.command.pipeline;

import static io.pipewright.command.pipeline.PipelineHistory.CREATED;
import static io.pipewright.command.pipeline.PipelineHistory.ID;
import static io.pipewright.command.pipeline.PipelineHistory.NOW;
import static io.pipewright.command.pipeline.PipelineHistory.ORG;
import static io.pipewright.command.pipeline.PipelineHistory.TASKS;
import static io.pipewright.command.pipeline.PipelineHistory.running;
import static io.pipewright.command.pipeline.PipelineHistory.started;

import io.pipewright.kernel.CommandRefused;
import io.pipewright.kernel.pipeline.ConnectorHealthChanged;
import io.pipewright.kernel.pipeline.DeletePipeline;
import io.pipewright.kernel.pipeline.DataGapDetected;
import io.pipewright.kernel.pipeline.FailoverDetected;
import io.pipewright.kernel.pipeline.PauseCause;
import io.pipewright.kernel.pipeline.PeeringEnsured;
import io.pipewright.kernel.pipeline.PipelineDeletionRequested;
import io.pipewright.kernel.pipeline.PipelineFailed;
import io.pipewright.kernel.pipeline.PipelinePaused;
import io.pipewright.kernel.pipeline.PipelineRestartRequested;
import io.pipewright.kernel.pipeline.PipelineStatus;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.kernel.pipeline.RecordConnectorHealth;
import io.pipewright.kernel.pipeline.RestartPipeline;
import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.pipeline.TaskState;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code POST .../restart}: what a Failed or degraded pipeline restarts from, and what has nothing to restart. */
class RestartPipelineTest {

    private static final List<TaskState> FAILED_TASK = List.of(new TaskState(0, "FAILED"));
    private static final String TRACE = "org.apache.kafka.connect.errors.ConnectException: boom";
    private static final ConnectorHealthChanged TASK_FAILED = new ConnectorHealthChanged(ID, "RUNNING", FAILED_TASK,
            TRACE, NOW);
    private static final PipelineFailed CONNECTOR_FAILED = new PipelineFailed(ID, null,
            "connector task failed: " + TRACE, NOW);

    private FixtureConfiguration<Pipeline> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Pipeline.class);
        fixture.registerInjectableResource(new InMemoryPipelineRegistry());
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void aPipelineWhoseConnectorFailedForGoodIsRunningAgainOnItsSlot() {
        fixture.given(running(TASK_FAILED, CONNECTOR_FAILED))
                .when(new RestartPipeline(ID, ORG, false))
                .expectEvents(new PipelineRestartRequested(ID, false, PipelineStatus.FAILED, NOW));
    }

    @Test
    void aPipelineThatFailedInAStepReentersThatStep() {
        fixture.given(CREATED, started(ProvisionStep.ENSURE_NETWORK), new PeeringEnsured(ID, "loopback", NOW),
                        started(ProvisionStep.INSTALL_PLUGIN),
                        new PipelineFailed(ID, ProvisionStep.INSTALL_PLUGIN, "install_plugin failed 8 times", NOW))
                .when(new RestartPipeline(ID, ORG, false))
                .expectEvents(new PipelineRestartRequested(ID, false, PipelineStatus.FAILED, NOW),
                        started(ProvisionStep.INSTALL_PLUGIN));
    }

    @Test
    void aResnapshotCreatesTheConnectorAgain() {
        fixture.given(running(TASK_FAILED, CONNECTOR_FAILED))
                .when(new RestartPipeline(ID, ORG, true))
                .expectEvents(new PipelineRestartRequested(ID, true, PipelineStatus.FAILED, NOW),
                        started(ProvisionStep.CREATE_CONNECTOR));
        fixture.given(running())
                .andGiven(TASK_FAILED)
                .when(new RestartPipeline(ID, ORG, true))
                .expectEvents(new PipelineRestartRequested(ID, true, PipelineStatus.RUNNING, NOW),
                        started(ProvisionStep.CREATE_CONNECTOR));
    }

    @Test
    void aPipelinePausedThroughPipewrightStaysPausedAfterItsRestart() {
        fixture.given(running(new PipelinePaused(ID, PauseCause.REQUESTED, NOW), TASK_FAILED, CONNECTOR_FAILED))
                .when(new RestartPipeline(ID, ORG, false))
                .expectEvents(new PipelineRestartRequested(ID, false, PipelineStatus.FAILED, NOW),
                        new PipelinePaused(ID, PauseCause.REQUESTED, NOW));
    }

    /** A paused pipeline whose slot was lost: only a re-snapshot has something to do, and it stays paused. */
    @Test
    void aDataGapIsHealedByARestartWithAResnapshotOnly() {
        DataGapDetected gap = new DataGapDetected(ID, "0/1A2B3C4", "the source invalidated the slot", NOW);
        fixture.given(running(new PipelinePaused(ID, PauseCause.REQUESTED, NOW), gap))
                .when(new RestartPipeline(ID, ORG, true))
                .expectEvents(new PipelineRestartRequested(ID, true, PipelineStatus.PAUSED, NOW),
                        started(ProvisionStep.CREATE_CONNECTOR));
        fixture.given(running(new PipelinePaused(ID, PauseCause.REQUESTED, NOW), gap))
                .when(new RestartPipeline(ID, ORG, false))
                .expectException(CommandRefused.class)
                .expectExceptionMessage("pipeline orders-cdc has a data gap, which only a restart with resnapshot heals")
                .expectNoEvents();
    }

    @Test
    void aDegradedPipelineIsRestartedWhereItIs() {
        fixture.given(running(TASK_FAILED))
                .when(new RestartPipeline(ID, ORG, false))
                .expectEvents(new PipelineRestartRequested(ID, false, PipelineStatus.RUNNING, NOW));
        fixture.given(running(new FailoverDetected(ID, new SourceNode("10.0.0.1", 5432),
                        new SourceNode("10.0.0.2", 5432), NOW)))
                .when(new RestartPipeline(ID, ORG, false))
                .expectEvents(new PipelineRestartRequested(ID, false, PipelineStatus.RUNNING, NOW));
    }

    @Test
    void aRestartedPipelineRecordsItsConnectorAgain() {
        fixture.given(running(TASK_FAILED, CONNECTOR_FAILED,
                        new PipelineRestartRequested(ID, false, PipelineStatus.FAILED, NOW)))
                .when(new RecordConnectorHealth(ID, "RUNNING", TASKS, null, NOW))
                .expectEvents(new ConnectorHealthChanged(ID, "RUNNING", TASKS, null, NOW));
    }

    @Test
    void anotherOrganizationsPipelineIsNotFound() {
        fixture.given(running(TASK_FAILED, CONNECTOR_FAILED))
                .when(new RestartPipeline(ID, UUID.randomUUID(), false))
                .expectException(CommandRefused.class)
                .expectExceptionMessage(Pipeline.NOT_FOUND)
                .expectNoEvents();
    }

    @Test
    void aHealthyPipelineHasNothingToRestart() {
        fixture.given(running())
                .when(new RestartPipeline(ID, ORG, false))
                .expectException(CommandRefused.class)
                .expectExceptionMessage("pipeline orders-cdc is Running and healthy; only a Failed or degraded "
                        + "pipeline can be restarted")
                .expectNoEvents();
    }

    @Test
    void aPipelineWhoseWorkerDoesNotAnswerIsDegradedButHasNothingThatCanBeRestarted() {
        fixture.given(running())
                .andGiven(new ConnectorHealthChanged(ID, "UNREACHABLE", TASKS,
                        "the Kafka Connect worker did not answer since " + NOW, NOW))
                .when(new RestartPipeline(ID, ORG, false))
                .expectException(CommandRefused.class)
                .expectExceptionMessage("pipeline orders-cdc is Running and its Kafka Connect worker does not answer;"
                        + " nothing can be restarted on it: start the worker, its connectors then run again from"
                        + " their offsets")
                .expectNoEvents();
    }

    @Test
    void aPipelineBeingDeletedOrStillProvisioningHasNothingToRestart() {
        fixture.given(running(new PipelineDeletionRequested(ID, PipelineStatus.RUNNING,
                        ProvisionStep.CREATE_CONNECTOR, NOW)))
                .when(new RestartPipeline(ID, ORG, true))
                .expectException(CommandRefused.class)
                .expectNoEvents();
        fixture.given(CREATED, started(ProvisionStep.ENSURE_NETWORK))
                .when(new RestartPipeline(ID, ORG, false))
                .expectException(CommandRefused.class)
                .expectNoEvents();
    }

    @Test
    void aPipelineThatFailedBeforeAnyStepHasNothingToRestart() {
        fixture.given(CREATED, new PipelineFailed(ID, null, "source service must be postgresql", NOW))
                .when(new RestartPipeline(ID, ORG, false))
                .expectException(CommandRefused.class)
                .expectNoEvents();
    }

    @Test
    void aRestartedPipelineCanBeDeleted() {
        fixture.given(running(TASK_FAILED, CONNECTOR_FAILED,
                        new PipelineRestartRequested(ID, false, PipelineStatus.FAILED, NOW)))
                .when(new DeletePipeline(ID, ORG))
                .expectEvents(new PipelineDeletionRequested(ID, PipelineStatus.RUNNING,
                        ProvisionStep.CREATE_CONNECTOR, NOW));
    }
}
