package io.pipewright.sagas.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.kernel.pipeline.CompleteProvisionStep;
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
import io.pipewright.kernel.pipeline.PipelineFailed;
import io.pipewright.kernel.pipeline.PipelineRestartRequested;
import io.pipewright.kernel.pipeline.ProvisionStepStarted;
import io.pipewright.kernel.pipeline.PipelinePaused;
import io.pipewright.kernel.pipeline.PipelineResumed;
import io.pipewright.kernel.pipeline.ResumedConnectorFoundPaused;
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
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.hamcrest.Description;
import org.hamcrest.Matcher;
import org.hamcrest.TypeSafeMatcher;
import io.pipewright.sagas.tenancy.ScriptedGate;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler of a provisioned pipeline: pause and resume, restarts with backoff for the retry window (degraded
 * meanwhile, Failed with the connector stopped after it), restarts asked for by a user, failover.
 */
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

    private static final PipelineCreated CREATED_WITH_ONE_MINUTE_WINDOW = new PipelineCreated(ID,
            CREATED.organizationId(), "orders-cdc", "cdc_pg_to_kafka", SOURCE, SINK, new PipelineConfig("defaultdb",
            List.of(), "shop", SnapshotMode.INITIAL, false, DecimalHandlingMode.DOUBLE, null, null, 1), false, NOW);
    private static final ProvisionStepStarted CONNECTOR_CREATING = new ProvisionStepStarted(ID,
            ProvisionStep.CREATE_CONNECTOR, NOW);
    private static final String WINDOW_OVER = "connector task failed: " + TRACE + " (restarted 4 times within the "
            + "retry window of 1 minute; the connector is stopped, its replication slot and offsets are kept: restart "
            + "the pipeline once the cause is fixed)";

    private SagaTestFixture<PipelineSaga> fixture;
    private final FakeConnector connector = new FakeConnector();
    private final ScriptedGate gate = new ScriptedGate();
    private final RecordingSteps steps = new RecordingSteps();

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
        fixture.registerResource(new HealingPolicy(HealingPolicy.DEFAULT_RETRY_WINDOW));
        fixture.registerResource(steps.steps());
        fixture.registerCommandGateway(CommandGateway.class);
    }

    private static Matcher<List<CommandMessage<?>>> restartsOnly() {
        return new TypeSafeMatcher<>() {
            @Override
            protected boolean matchesSafely(List<CommandMessage<?>> commands) {
                return !commands.isEmpty()
                        && commands.stream().allMatch(command -> command.getPayload() instanceof RestartConnector);
            }

            @Override
            public void describeTo(Description description) {
                description.appendText("restarts of the connector, and nothing else");
            }
        };
    }

    private static PipelineCreated oneMinuteWindow() {
        return CREATED_WITH_ONE_MINUTE_WINDOW;
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
    void aResumedConnectorFoundPausedIsResumedAgain() throws Exception {
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING)
                .andThenAPublished(new PipelinePaused(ID, PauseCause.REQUESTED, NOW))
                .andThenAPublished(new PipelineResumed(ID, PauseCause.REQUESTED, NOW))
                .andThenTimeElapses(Duration.ZERO)
                .whenAggregate(ID.toString()).publishes(new ResumedConnectorFoundPaused(ID, NOW))
                .expectScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.APPLY_DESIRED_STATE);
        fixture.whenTimeElapses(Duration.ZERO);
        assertThat(connector.desiredStates).endsWith(false, false);
    }

    @Test
    void aFailedTaskIsRestartedAfterABackoff() throws Exception {
        connector.observations.add(STILL_FAILED);
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING).andThenAPublished(TASK_FAILED)
                .whenTimeElapses(Duration.ofSeconds(2))
                .expectDispatchedCommands(new RestartConnector(ID, 1, NOW.plusSeconds(4)))
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

    /**
     * Time is advanced deadline by deadline (2 s, then 4, 8, 16, 32 and 60 s, the cap), so each look happens at its own
     * time; then the rest of the hour: only restarts, no failure.
     */
    @Test
    void aFailingConnectorIsRestartedWithCappedBackoffThroughoutTheWindowAndThePipelineStaysRunning()
            throws Exception {
        connector.failingFromNowOn = true;
        fixture.givenCurrentTime(NOW).andThenAPublished(CREATED).andThenAPublished(RUNNING)
                .andThenAPublished(TASK_FAILED)
                .andThenTimeElapses(Duration.ofSeconds(2)).andThenTimeElapses(Duration.ofSeconds(4))
                .andThenTimeElapses(Duration.ofSeconds(8)).andThenTimeElapses(Duration.ofSeconds(16))
                .andThenTimeElapses(Duration.ofSeconds(32)).andThenTimeElapses(Duration.ofSeconds(60))
                .whenTimeElapses(Duration.ofMinutes(57))
                .expectDispatchedCommandsMatching(restartsOnly());
        assertThat(connector.restartedAt).startsWith(NOW.plusSeconds(2), NOW.plusSeconds(6), NOW.plusSeconds(14),
                NOW.plusSeconds(30), NOW.plusSeconds(62), NOW.plusSeconds(122));
        assertThat(connector.restarts).isGreaterThan(50);
        assertThat(connector.stops).isZero();
    }

    @Test
    void thePipelineFailsOnceItsWindowIsOverAndItsConnectorIsStoppedNotRemoved() throws Exception {
        connector.failingFromNowOn = true;
        fixture.givenCurrentTime(NOW).andThenAPublished(oneMinuteWindow()).andThenAPublished(CONNECTOR_CREATING)
                .andThenAPublished(RUNNING).andThenAPublished(TASK_FAILED)
                .andThenTimeElapses(Duration.ofSeconds(2)).andThenTimeElapses(Duration.ofSeconds(4))
                .andThenTimeElapses(Duration.ofSeconds(8)).andThenTimeElapses(Duration.ofSeconds(16))
                .whenTimeElapses(Duration.ofSeconds(32))
                .expectDispatchedCommands(new FailPipeline(ID, WINDOW_OVER));
        assertThat(connector.restartedAt).containsExactly(NOW.plusSeconds(2), NOW.plusSeconds(6),
                NOW.plusSeconds(14), NOW.plusSeconds(30));
        fixture.whenAggregate(ID.toString()).publishes(new PipelineFailed(ID, null, WINDOW_OVER, NOW.plusSeconds(62)))
                .expectScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.STOP_CONNECTOR);
        fixture.whenTimeElapses(Duration.ZERO).expectNoScheduledDeadlines();
        assertThat(connector.stops).isEqualTo(1);
        assertThat(steps.removed).isEmpty();
    }

    @Test
    void eachRestartSaysWhenTheNextAttemptIs() throws Exception {
        connector.failingFromNowOn = true;
        fixture.givenCurrentTime(NOW).andThenAPublished(oneMinuteWindow()).andThenAPublished(RUNNING)
                .andThenAPublished(TASK_FAILED).andThenTimeElapses(Duration.ofSeconds(2))
                .whenTimeElapses(Duration.ofSeconds(4))
                .expectDispatchedCommands(new RestartConnector(ID, 2, NOW.plusSeconds(14)));
    }

    @Test
    void aStopThatFailsIsTriedAgain() throws Exception {
        connector.stopFailures = 1;
        fixture.givenAPublished(CREATED).andThenAPublished(CONNECTOR_CREATING).andThenAPublished(RUNNING)
                .andThenAPublished(new PipelineFailed(ID, null, WINDOW_OVER, NOW))
                .whenTimeElapses(Duration.ZERO)
                .expectScheduledDeadlineWithName(Duration.ofSeconds(1), PipelineSaga.STOP_CONNECTOR);
        fixture.whenTimeElapses(Duration.ofSeconds(1)).expectNoScheduledDeadlines();
        assertThat(connector.stops).isEqualTo(1);
    }

    @Test
    void aConnectorThatRecoversByItselfWithinTheWindowNeedsNobody() throws Exception {
        connector.observations.add(STILL_FAILED);
        fixture.givenAPublished(oneMinuteWindow()).andThenAPublished(RUNNING).andThenAPublished(TASK_FAILED)
                .andThenTimeElapses(Duration.ofSeconds(2))
                .whenAggregate(ID.toString()).publishes(new ConnectorHealthChanged(ID, "RUNNING", RUNNING_TASK, null,
                        NOW.plusSeconds(5)))
                .expectNoScheduledDeadlines()
                .expectNoDispatchedCommands();
        assertThat(connector.restarts).isEqualTo(1);
    }

    @Test
    void aFailedPipelineRestartedResumesItsStoppedConnectorWithAFreshWindow() throws Exception {
        connector.observations.add(new ConnectorControl.ConnectorStatus("STOPPED", List.of(), null, NOW));
        fixture.givenAPublished(oneMinuteWindow()).andThenAPublished(CONNECTOR_CREATING).andThenAPublished(RUNNING)
                .andThenAPublished(TASK_FAILED).andThenAPublished(new PipelineFailed(ID, null, WINDOW_OVER, NOW))
                .whenAggregate(ID.toString()).publishes(new PipelineRestartRequested(ID, false,
                        PipelineStatus.FAILED, NOW.plus(Duration.ofHours(2))))
                .expectScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.HEAL_CONNECTOR)
                .expectNoScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.STOP_CONNECTOR);
        fixture.whenTimeElapses(Duration.ZERO)
                .expectDispatchedCommands(new RestartConnector(ID, 1, NOW.plusSeconds(4)));
        assertThat(connector.restarts).isEqualTo(1);
        assertThat(connector.stops).isZero();
    }

    @Test
    void aDegradedPipelineRestartedIsHealedNowWithAFreshWindow() throws Exception {
        connector.observations.add(HEALTHY);
        fixture.givenAPublished(oneMinuteWindow()).andThenAPublished(RUNNING).andThenAPublished(TASK_FAILED)
                .whenAggregate(ID.toString()).publishes(new PipelineRestartRequested(ID, false,
                        PipelineStatus.RUNNING, NOW))
                .expectScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.HEAL_CONNECTOR);
        fixture.whenTimeElapses(Duration.ZERO)
                .expectDispatchedCommands(new RecordConnectorHealth(ID, "RUNNING", RUNNING_TASK, null, NOW));
    }

    @Test
    void aPipelineThatFailedInAStepRestartsThatStep() throws Exception {
        ProvisionStepStarted installing = new ProvisionStepStarted(ID, ProvisionStep.INSTALL_PLUGIN, NOW);
        fixture.givenAPublished(CREATED).andThenAPublished(installing)
                .andThenAPublished(new PipelineFailed(ID, ProvisionStep.INSTALL_PLUGIN, "install_plugin failed", NOW))
                .andThenAPublished(new PipelineRestartRequested(ID, false, PipelineStatus.FAILED, NOW))
                .whenAggregate(ID.toString()).publishes(installing)
                .expectScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.RUN_STEP)
                .expectNoScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.HEAL_CONNECTOR)
                .expectNoScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.STOP_CONNECTOR);
        fixture.whenTimeElapses(Duration.ZERO)
                .expectDispatchedCommands(new CompleteProvisionStep(ID, ProvisionStep.INSTALL_PLUGIN,
                        "install_plugin-resource"));
        assertThat(steps.converged).containsExactly(ProvisionStep.INSTALL_PLUGIN);
        assertThat(steps.removed).isEmpty();
    }

    @Test
    void aResnapshotRemovesTheConnectorItsOffsetsAndSlotThenCreatesThemAgain() throws Exception {
        fixture.givenAPublished(CREATED).andThenAPublished(CONNECTOR_CREATING).andThenAPublished(RUNNING)
                .andThenAPublished(TASK_FAILED)
                .andThenAPublished(new PipelineRestartRequested(ID, true, PipelineStatus.RUNNING, NOW))
                .whenAggregate(ID.toString()).publishes(CONNECTOR_CREATING)
                .expectScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.RUN_STEP)
                .expectNoScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.HEAL_CONNECTOR);
        fixture.whenTimeElapses(Duration.ZERO)
                .expectDispatchedCommands(new CompleteProvisionStep(ID, ProvisionStep.CREATE_CONNECTOR,
                        "create_connector-resource"));
        assertThat(steps.removed).containsExactly(ProvisionStep.CREATE_CONNECTOR);
        assertThat(steps.converged).containsExactly(ProvisionStep.CREATE_CONNECTOR);
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
    void aWorkerThatDoesNotAnswerNeitherCancelsThePendingRestartNorCallsIt() throws Exception {
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING).andThenAPublished(TASK_FAILED)
                .whenAggregate(ID.toString()).publishes(new ConnectorHealthChanged(ID, "UNREACHABLE", FAILED_TASK,
                        "the Kafka Connect worker did not answer since " + NOW, NOW))
                .expectScheduledDeadlineWithName(Duration.ofSeconds(2), PipelineSaga.HEAL_CONNECTOR)
                .expectNoDispatchedCommands();
        assertThat(connector.restarts).isZero();
    }

    @Test
    void aWorkerThatDoesNotAnswerWhilePausedThroughPipewrightIsNotPausedAgain() throws Exception {
        fixture.givenAPublished(CREATED).andThenAPublished(RUNNING)
                .andThenAPublished(new PipelinePaused(ID, PauseCause.REQUESTED, NOW))
                .andThenTimeElapses(Duration.ZERO)
                .whenAggregate(ID.toString()).publishes(new ConnectorHealthChanged(ID, "UNREACHABLE", PAUSED.tasks(),
                        "the Kafka Connect worker did not answer since " + NOW, NOW))
                .expectNoScheduledDeadlines()
                .expectNoDispatchedCommands();
        assertThat(connector.desiredStates).containsExactly(true);
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

    private final class FakeConnector implements ConnectorControl {

        final Deque<ConnectorStatus> observations = new ArrayDeque<>();
        final List<Boolean> desiredStates = new ArrayList<>();
        final List<SourceNode> repointedTo = new ArrayList<>();
        final List<Instant> restartedAt = new ArrayList<>();
        /** With no scripted observation left: the task is seen failed, at the fixture's time. */
        boolean failingFromNowOn;
        int restarts;
        int stops;
        int stopFailures;
        int repointFailures;
        int resumedOnTheWorkerMeanwhile;

        @Override
        public ConnectorStatus observe(PipelineSpec pipeline) {
            if (observations.isEmpty() && failingFromNowOn) {
                return new ConnectorStatus("RUNNING", FAILED_TASK, TRACE, fixture.currentTime());
            }
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
            restartedAt.add(fixture.currentTime());
        }

        @Override
        public void stop(PipelineSpec pipeline) {
            if (stopFailures-- > 0) {
                throw new IllegalStateException("the worker does not answer");
            }
            stops++;
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
