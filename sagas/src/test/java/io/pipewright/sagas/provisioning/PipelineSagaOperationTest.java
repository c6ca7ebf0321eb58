package io.pipewright.sagas.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.kernel.pipeline.CompleteRepointing;
import io.pipewright.kernel.pipeline.ConnectorHealthChanged;
import io.pipewright.kernel.pipeline.ConnectorRestarted;
import io.pipewright.kernel.pipeline.ConnectorRepointed;
import io.pipewright.kernel.pipeline.FailPipeline;
import io.pipewright.kernel.pipeline.FailoverDetected;
import io.pipewright.kernel.pipeline.PauseCause;
import io.pipewright.kernel.pipeline.PausedConnectorFoundRunning;
import io.pipewright.kernel.pipeline.DecimalHandlingMode;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.PipelineCreated;
import io.pipewright.kernel.pipeline.PipelineDeletionRequested;
import io.pipewright.kernel.pipeline.PipelinePaused;
import io.pipewright.kernel.pipeline.PipelineResumed;
import io.pipewright.kernel.pipeline.PipelineRunning;
import io.pipewright.kernel.pipeline.PipelineStatus;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.kernel.pipeline.RecordConnectorHealth;
import io.pipewright.kernel.pipeline.RestartConnector;
import io.pipewright.kernel.pipeline.SnapshotMode;
import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.pipeline.TaskState;
import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.kernel.service.ServiceType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import io.pipewright.sagas.tenancy.ScriptedGate;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reconciler of a provisioned pipeline: pause and resume, restarts with a budget, failover. */
class PipelineSagaOperationTest {

    private static final Instant NOW = Instant.parse("2026-06-22T10:00:00Z");
    private static final UUID ID = UUID.randomUUID();
    private static final UUID SOURCE = UUID.randomUUID();
    private static final UUID SINK = UUID.randomUUID();
    private static final PipelineCreated CREATED = new PipelineCreated(ID, UUID.randomUUID(), "orders-cdc",
            "cdc_pg_to_kafka", SOURCE, SINK, new PipelineConfig("defaultdb", List.of(), "shop", SnapshotMode.INITIAL,
            false, DecimalHandlingMode.DOUBLE), false, NOW);
    private static final List<TaskState> RUNNING_TASK = List.of(new TaskState(0, "RUNNING"));
    private static final List<TaskState> FAILED_TASK = List.of(new TaskState(0, "FAILED"));
    private static final PipelineRunning RUNNING = new PipelineRunning(ID, "RUNNING", RUNNING_TASK, NOW);
    private static final String TRACE = "org.apache.kafka.connect.errors.ConnectException: boom";
    private static final ConnectorHealthChanged TASK_FAILED = new ConnectorHealthChanged(ID, "RUNNING", FAILED_TASK,
            TRACE, NOW);
    private static final ConnectorControl.ConnectorStatus STILL_FAILED = new ConnectorControl.ConnectorStatus(
            "RUNNING", FAILED_TASK, TRACE, NOW);
    private static final ConnectorControl.ConnectorStatus HEALTHY = new ConnectorControl.ConnectorStatus("RUNNING",
            RUNNING_TASK, null, NOW);
    private static final ConnectorControl.ConnectorStatus PAUSED = new ConnectorControl.ConnectorStatus("PAUSED",
            List.of(new TaskState(0, "PAUSED")), null, NOW);
    private static final SourceNode OLD_PRIMARY = new SourceNode("127.0.0.1", 5432);
    private static final SourceNode NEW_PRIMARY = new SourceNode("127.0.0.1", 5433);

    private SagaTestFixture<PipelineSaga> fixture;
    private final FakeConnector connector = new FakeConnector();
    private final ScriptedGate gate = new ScriptedGate();

    @BeforeEach
    void setUp() {
        fixture = new SagaTestFixture<>(PipelineSaga.class);
        fixture.registerResource(connector);
        fixture.registerResource((ServiceDirectory) serviceId -> Optional.of(serviceId.equals(SOURCE)
                ? new ServiceRecord(SOURCE, new ServiceDescription("orders-pg", ServiceType.POSTGRESQL, "17", "local",
                null, null, null, List.of()), "local", null, null, ServiceStatus.RUNNING, Map.of())
                : new ServiceRecord(SINK, new ServiceDescription("events-kafka", ServiceType.KAFKA, "4.3", "local",
                null, null, null, List.of(ServiceDescription.KAFKA_CONNECT_ADDON)), "local", null, null,
                ServiceStatus.RUNNING, Map.of(ServiceDescription.KAFKA_CONNECT_ADDON, ServiceStatus.RUNNING))));
        fixture.registerResource(gate);
        fixture.registerResource(new RecordingSteps().steps());
        fixture.registerCommandGateway(CommandGateway.class);
    }

    @Test
    void aPauseRequestedThroughPipewrightPausesTheConnector() throws Exception {
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING)
                .whenAggregate(ID.toString()).publishes(new PipelinePaused(ID, PauseCause.REQUESTED, NOW))
                .expectScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.APPLY_DESIRED_STATE);
        fixture.whenTimeElapses(Duration.ZERO)
                .expectDispatchedCommands(new RecordConnectorHealth(ID, "PAUSED", PAUSED.tasks(), null, NOW));
        assertThat(connector.desiredStates).containsExactly(true);
    }

    @Test
    void aResumeRequestedThroughPipewrightResumesTheConnector() throws Exception {
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING)
                .andThenAPublished(new PipelinePaused(ID, PauseCause.REQUESTED, NOW))
                .andThenTimeElapses(Duration.ZERO)
                .whenAggregate(ID.toString()).publishes(new PipelineResumed(ID, PauseCause.REQUESTED, NOW));
        fixture.whenTimeElapses(Duration.ZERO);
        assertThat(connector.desiredStates).containsExactly(true, false);
    }

    @Test
    void aConnectorPausedOnTheWorkerIsLeftAlone() throws Exception {
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING)
                .whenAggregate(ID.toString()).publishes(new PipelinePaused(ID, PauseCause.CONNECTOR, NOW))
                .expectNoScheduledDeadlines()
                .expectNoDispatchedCommands();
    }

    @Test
    void aConnectorResumedOnTheWorkerIsPausedAgainWhilePausedThroughPipewright() throws Exception {
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING)
                .andThenAPublished(new PipelinePaused(ID, PauseCause.REQUESTED, NOW))
                .andThenTimeElapses(Duration.ZERO)
                .whenAggregate(ID.toString()).publishes(new ConnectorHealthChanged(ID, "RUNNING", RUNNING_TASK,
                        null, NOW))
                .expectScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.APPLY_DESIRED_STATE);
        fixture.whenTimeElapses(Duration.ZERO);
        assertThat(connector.desiredStates).containsExactly(true, true);
    }

    @Test
    void aConnectorResumedOnTheWorkerWhileItWasBeingPausedIsPausedOnceMore() throws Exception {
        connector.resumedOnTheWorkerMeanwhile = 1;
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING)
                .whenAggregate(ID.toString()).publishes(new PipelinePaused(ID, PauseCause.REQUESTED, NOW));
        fixture.whenTimeElapses(Duration.ZERO)
                .expectDispatchedCommands(new RecordConnectorHealth(ID, "RUNNING", RUNNING_TASK, null, NOW))
                .expectScheduledDeadlineWithName(Duration.ofSeconds(1), PipelineSaga.APPLY_DESIRED_STATE);
        fixture.whenTimeElapses(Duration.ofSeconds(1))
                .expectDispatchedCommands(new RecordConnectorHealth(ID, "PAUSED", PAUSED.tasks(), null, NOW))
                .expectNoScheduledDeadlineWithName(Duration.ofSeconds(2), PipelineSaga.APPLY_DESIRED_STATE);
        assertThat(connector.desiredStates).containsExactly(true, true);
    }

    @Test
    void aPausedConnectorFoundRunningIsPausedAgain() throws Exception {
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING)
                .andThenAPublished(new PipelinePaused(ID, PauseCause.REQUESTED, NOW))
                .andThenTimeElapses(Duration.ZERO)
                .whenAggregate(ID.toString()).publishes(new PausedConnectorFoundRunning(ID, NOW))
                .expectScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.APPLY_DESIRED_STATE);
        fixture.whenTimeElapses(Duration.ZERO);
        assertThat(connector.desiredStates).containsExactly(true, true);
    }

    @Test
    void aFailedTaskIsRestartedAfterABackoff() throws Exception {
        connector.observations.add(STILL_FAILED);
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING).andThenAPublished(TASK_FAILED)
                .whenTimeElapses(Duration.ofSeconds(2))
                .expectDispatchedCommands(new RestartConnector(ID, 1))
                .expectScheduledDeadlineWithName(Duration.ofSeconds(4), PipelineSaga.HEAL_CONNECTOR);
        assertThat(connector.restarts).isEqualTo(1);
    }

    @Test
    void aConnectorThatRecoveredIsRecordedHealthyWithoutARestart() throws Exception {
        connector.observations.add(HEALTHY);
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING).andThenAPublished(TASK_FAILED)
                .whenTimeElapses(Duration.ofSeconds(2))
                .expectDispatchedCommands(new RecordConnectorHealth(ID, "RUNNING", RUNNING_TASK, null, NOW))
                .expectNoScheduledDeadlines();
        assertThat(connector.restarts).isZero();
    }

    @Test
    void thePipelineFailsWhenTheRetryBudgetIsSpent() throws Exception {
        List<Object> expected = new ArrayList<>();
        for (int attempt = 1; attempt <= Operation.RESTART_ATTEMPTS; attempt++) {
            connector.observations.add(STILL_FAILED);
            expected.add(new RestartConnector(ID, attempt));
        }
        connector.observations.add(STILL_FAILED);
        expected.add(new FailPipeline(ID, "connector task failed: " + TRACE));
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING).andThenAPublished(TASK_FAILED)
                .whenTimeElapses(Duration.ofMinutes(10))
                .expectDispatchedCommands(expected.toArray());
        assertThat(connector.restarts).isEqualTo(Operation.RESTART_ATTEMPTS);
    }

    @Test
    void aTaskThatFailsAgainSoonAfterARestartKeepsSpendingTheSameBudget() throws Exception {
        connector.observations.add(STILL_FAILED);
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING).andThenAPublished(TASK_FAILED)
                .andThenTimeElapses(Duration.ofSeconds(2))
                .andThenAPublished(new ConnectorRestarted(ID, 1, NOW))
                .andThenAPublished(new ConnectorHealthChanged(ID, "RUNNING", RUNNING_TASK, null, NOW))
                .whenAggregate(ID.toString()).publishes(new ConnectorHealthChanged(ID, "RUNNING", FAILED_TASK,
                        TRACE, NOW.plusSeconds(30)))
                .expectScheduledDeadlineWithName(Duration.ofSeconds(4), PipelineSaga.HEAL_CONNECTOR);
    }

    @Test
    void aConnectorThatStayedUpLongEnoughStartsAFreshBudget() throws Exception {
        connector.observations.add(STILL_FAILED);
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING).andThenAPublished(TASK_FAILED)
                .andThenTimeElapses(Duration.ofSeconds(2))
                .andThenAPublished(new ConnectorRestarted(ID, 1, NOW))
                .andThenAPublished(new ConnectorHealthChanged(ID, "RUNNING", RUNNING_TASK, null, NOW))
                .whenAggregate(ID.toString()).publishes(new ConnectorHealthChanged(ID, "RUNNING", FAILED_TASK,
                        TRACE, NOW.plus(Operation.STABLE_AFTER)))
                .expectScheduledDeadlineWithName(Duration.ofSeconds(2), PipelineSaga.HEAL_CONNECTOR);
    }

    @Test
    void aHealthyConnectorCancelsThePendingRestart() throws Exception {
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING).andThenAPublished(TASK_FAILED)
                .whenAggregate(ID.toString()).publishes(new ConnectorHealthChanged(ID, "RUNNING", RUNNING_TASK, null,
                        NOW))
                .expectNoScheduledDeadlines();
    }

    @Test
    void aFailoverRepointsTheConnectorAndNoRestartRacesIt() throws Exception {
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING).andThenAPublished(TASK_FAILED)
                .andThenAPublished(new FailoverDetected(ID, OLD_PRIMARY, NEW_PRIMARY, NOW))
                .whenTimeElapses(Duration.ZERO)
                .expectDispatchedCommands(new CompleteRepointing(ID, NEW_PRIMARY))
                .expectNoScheduledDeadlineWithName(Duration.ofSeconds(2), PipelineSaga.HEAL_CONNECTOR);
        assertThat(connector.repointedTo).containsExactly(NEW_PRIMARY);
    }

    @Test
    void aFailedRepointIsRetried() throws Exception {
        connector.repointFailures = 1;
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING)
                .andThenAPublished(new FailoverDetected(ID, OLD_PRIMARY, NEW_PRIMARY, NOW))
                .whenTimeElapses(Duration.ZERO)
                .expectNoDispatchedCommands()
                .expectScheduledDeadlineWithName(Duration.ofSeconds(1), PipelineSaga.REPOINT_CONNECTOR);
    }

    @Test
    void taskFailuresDuringAFailoverWaitForTheRepoint() throws Exception {
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING)
                .andThenAPublished(new FailoverDetected(ID, OLD_PRIMARY, NEW_PRIMARY, NOW))
                .andThenTimeElapses(Duration.ZERO)
                .andThenAPublished(new ConnectorRepointed(ID, NEW_PRIMARY, NOW))
                .whenAggregate(ID.toString()).publishes(TASK_FAILED)
                .expectScheduledDeadlineWithName(Duration.ofSeconds(2), PipelineSaga.HEAL_CONNECTOR);
    }

    @Test
    void deletionCancelsWhatWasPendingForTheRunningConnector() throws Exception {
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING).andThenAPublished(TASK_FAILED)
                .whenAggregate(ID.toString()).publishes(new PipelineDeletionRequested(ID, PipelineStatus.RUNNING,
                        ProvisionStep.CREATE_CONNECTOR, NOW))
                .expectScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.TEAR_DOWN)
                .expectNoScheduledDeadlineWithName(Duration.ofSeconds(2), PipelineSaga.HEAL_CONNECTOR);
    }

    @Test
    void aRestartTheGateHoldsBackComesAgainShortlyWithoutCallingTheWorker() throws Exception {
        gate.busyOnce();
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING).andThenAPublished(TASK_FAILED)
                .whenTimeElapses(Duration.ofSeconds(2))
                .expectNoDispatchedCommands()
                .expectScheduledDeadlineWithName(ScriptedGate.BUSY_FOR, PipelineSaga.HEAL_CONNECTOR);
        assertThat(connector.restarts).isZero();
        assertThat(gate.asked).singleElement().satisfies(work -> {
            assertThat(work.subjectId()).isEqualTo(ID);
            assertThat(work.organizationId()).isEqualTo(CREATED.organizationId());
            assertThat(work.serviceIds()).containsExactly(SOURCE, SINK);
            assertThat(work.teardown()).isFalse();
        });
    }

    @Test
    void workOfAPipelineWhoseDeletionWasRequestedOnAnotherNodeCallsNothing() throws Exception {
        gate.deletedOnce();
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING).andThenAPublished(TASK_FAILED)
                .whenTimeElapses(Duration.ofSeconds(2))
                .expectNoDispatchedCommands()
                .expectNoScheduledDeadlines();
        assertThat(connector.restarts).isZero();
    }

    @Test
    void aRetryThatFiresAfterTheDeletionWasRequestedCallsNothing() throws Exception {
        connector.observations.add(STILL_FAILED);
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING)
                .andThenAPublished(new PipelineDeletionRequested(ID, PipelineStatus.RUNNING,
                        ProvisionStep.CREATE_CONNECTOR, NOW))
                .andThenAPublished(TASK_FAILED);
        gate.asked.clear();
        fixture.whenTimeElapses(Duration.ofSeconds(2));
        assertThat(connector.restarts).isZero();
        assertThat(gate.asked).allSatisfy(work -> assertThat(work.teardown()).isTrue());
    }

    @Test
    void theTeardownIsAdmittedAsTeardownAndReleasedOnceRecorded() throws Exception {
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING)
                .andThenAPublished(new PipelineDeletionRequested(ID, PipelineStatus.RUNNING,
                        ProvisionStep.CREATE_CONNECTOR, NOW))
                .whenTimeElapses(Duration.ZERO);
        assertThat(gate.asked).isNotEmpty().allSatisfy(work -> assertThat(work.teardown()).isTrue());
        assertThat(gate.released).isEqualTo(gate.asked.size());
    }

    private static final class FakeConnector implements ConnectorControl {

        final Deque<ConnectorStatus> observations = new ArrayDeque<>();
        final List<Boolean> desiredStates = new ArrayList<>();
        final List<SourceNode> repointedTo = new ArrayList<>();
        int restarts;
        int repointFailures;
        int resumedOnTheWorkerMeanwhile;

        @Override
        public ConnectorStatus observe(PipelineSpec pipeline) {
            return observations.remove();
        }

        @Override
        public ConnectorStatus applyDesiredState(PipelineSpec pipeline) {
            desiredStates.add(pipeline.paused());
            if (resumedOnTheWorkerMeanwhile-- > 0) {
                return HEALTHY;
            }
            return pipeline.paused() ? PAUSED : HEALTHY;
        }

        @Override
        public void restartFailed(PipelineSpec pipeline) {
            restarts++;
        }

        @Override
        public void repoint(PipelineSpec pipeline, SourceNode primary) {
            if (repointFailures-- > 0) {
                throw new IllegalStateException("the new primary does not answer yet");
            }
            repointedTo.add(primary);
        }
    }
}
