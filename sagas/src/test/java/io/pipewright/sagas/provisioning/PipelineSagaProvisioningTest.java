package io.pipewright.sagas.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.kernel.pipeline.CompleteProvisionStep;
import io.pipewright.kernel.pipeline.CompleteProvisioning;
import io.pipewright.kernel.pipeline.ConnectorCreated;
import io.pipewright.kernel.pipeline.DecimalHandlingMode;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.PipelineCreated;
import io.pipewright.kernel.pipeline.PipelineDeletionRequested;
import io.pipewright.kernel.pipeline.PipelineStatus;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.kernel.pipeline.ProvisionStepStarted;
import io.pipewright.kernel.pipeline.SnapshotMode;
import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.pipeline.StartProvisionStep;
import io.pipewright.kernel.pipeline.TaskState;
import io.pipewright.kernel.service.ManagedServiceStatusChanged;
import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.kernel.service.ServiceType;
import io.pipewright.sagas.tenancy.ScriptedGate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler provisioning a pipeline, as timelines: each step runs in a deadline admitted by the external work
 * gate, and the new connector is read in a deadline too, never in an event handler.
 */
class PipelineSagaProvisioningTest {

    private static final Instant NOW = Instant.parse("2026-06-22T10:00:00Z");
    private static final UUID ID = UUID.randomUUID();
    private static final UUID ORG = UUID.randomUUID();
    private static final UUID SOURCE = UUID.randomUUID();
    private static final UUID SINK = UUID.randomUUID();
    private static final PipelineCreated CREATED = new PipelineCreated(ID, ORG, "orders-cdc", "cdc_pg_to_kafka",
            SOURCE, SINK, new PipelineConfig("defaultdb", List.of(), "shop", SnapshotMode.INITIAL, false,
            DecimalHandlingMode.DOUBLE), false, NOW);
    private static final List<TaskState> RUNNING_TASK = List.of(new TaskState(0, "RUNNING"));

    private SagaTestFixture<PipelineSaga> fixture;
    private final ScriptedGate gate = new ScriptedGate();
    private final Deque<ConnectorControl.ConnectorStatus> observations = new ArrayDeque<>();
    private final RecordingSteps steps = new RecordingSteps();
    private ServiceStatus sinkStatus = ServiceStatus.RUNNING;
    private boolean unreadable;

    @BeforeEach
    void setUp() {
        fixture = new SagaTestFixture<>(PipelineSaga.class);
        fixture.registerResource((ServiceDirectory) serviceId -> unreadable ? failToRead()
                : Optional.of(serviceId.equals(SOURCE)
                ? new ServiceRecord(SOURCE, new ServiceDescription("orders-pg", ServiceType.POSTGRESQL, "17",
                "se-sto1", null, null, null, List.of()), "europe", null, null, ServiceStatus.RUNNING, Map.of())
                : new ServiceRecord(SINK, new ServiceDescription("events-kafka", ServiceType.KAFKA, "4.3",
                "se-sto1", null, null, null, List.of(ServiceDescription.KAFKA_CONNECT_ADDON)), "europe", null, null,
                sinkStatus, Map.of(ServiceDescription.KAFKA_CONNECT_ADDON, sinkStatus))));
        fixture.registerResource(steps.steps());
        fixture.registerResource(new ObservedConnector());
        fixture.registerResource(gate);
        fixture.registerResource(new HealingPolicy(HealingPolicy.DEFAULT_RETRY_WINDOW));
        fixture.registerCommandGateway(CommandGateway.class);
    }

    /** The command goes out from a deadline of its own (its own unit of work, retried), not from the event's. */
    @Test
    void bothServicesRunningStartTheFirstStepRightAway() throws Exception {
        fixture.givenNoPriorActivity()
                .whenAggregate(ID.toString()).publishes(CREATED)
                .expectNoDispatchedCommands()
                .expectScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.CHECK_SERVICES);
        fixture.whenTimeElapses(Duration.ZERO)
                .expectDispatchedCommands(new StartProvisionStep(ID, ProvisionStep.ENSURE_NETWORK));
    }

    @Test
    void servicesThatCannotBeReadAtCreationAreCheckedAgainInADeadline() throws Exception {
        unreadable = true;
        fixture.givenNoPriorActivity()
                .whenAggregate(ID.toString()).publishes(CREATED)
                .expectNoDispatchedCommands()
                .expectScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.CHECK_SERVICES);
        unreadable = false;
        fixture.whenTimeElapses(Duration.ZERO)
                .expectDispatchedCommands(new StartProvisionStep(ID, ProvisionStep.ENSURE_NETWORK));
    }

    /** Nothing polls: a Pending pipeline costs nothing until a service of it changes, and then it looks again. */
    @Test
    void aPipelineWaitingForItsServicesIsWokenByTheirStatusChangeNotByPolling() throws Exception {
        sinkStatus = ServiceStatus.PENDING;
        fixture.givenNoPriorActivity()
                .whenAggregate(ID.toString()).publishes(CREATED)
                .expectNoDispatchedCommands()
                .expectNoScheduledDeadlines();
        fixture.whenTimeElapses(Duration.ofDays(1))
                .expectNoDispatchedCommands();
        sinkStatus = ServiceStatus.RUNNING;
        fixture.whenAggregate(SINK.toString()).publishes(new ManagedServiceStatusChanged(SINK,
                        ServiceStatus.RUNNING, null, Map.of(ServiceDescription.KAFKA_CONNECT_ADDON,
                        ServiceStatus.RUNNING), NOW))
                .expectScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.CHECK_SERVICES);
        fixture.whenTimeElapses(Duration.ZERO)
                .expectDispatchedCommands(new StartProvisionStep(ID, ProvisionStep.ENSURE_NETWORK));
    }

    @Test
    void aServiceChangeOnceProvisioningStartedIsNotNews() throws Exception {
        fixture.givenAPublished(CREATED).andThenTimeElapses(Duration.ZERO)
                .andThenAPublished(new ProvisionStepStarted(ID, ProvisionStep.ENSURE_NETWORK, NOW))
                .andThenTimeElapses(Duration.ZERO)
                .whenAggregate(SOURCE.toString()).publishes(new ManagedServiceStatusChanged(SOURCE,
                        ServiceStatus.PENDING, "restarting", Map.of(), NOW))
                .expectActiveSagas(1)
                .expectNoScheduledDeadlines();
    }

    @Test
    void aStepRunsInADeadlineAdmittedByTheGateAndIsRecorded() throws Exception {
        fixture.givenAPublished(CREATED).andThenTimeElapses(Duration.ZERO)
                .andThenAPublished(new ProvisionStepStarted(ID, ProvisionStep.PREPARE_SOURCE, NOW))
                .whenTimeElapses(Duration.ZERO)
                .expectDispatchedCommands(new CompleteProvisionStep(ID, ProvisionStep.PREPARE_SOURCE,
                        "prepare_source-resource"));
        assertThat(steps.converged).containsExactly(ProvisionStep.PREPARE_SOURCE);
        assertThat(gate.asked).last().satisfies(work -> {
            assertThat(work.organizationId()).isEqualTo(ORG);
            assertThat(work.serviceIds()).containsExactly(SOURCE, SINK);
        });
        assertThat(gate.released).isEqualTo(gate.asked.size());
    }

    @Test
    void aStepTheGateHoldsBackComesAgainShortlyWithoutCallingOut() throws Exception {
        fixture.givenAPublished(CREATED).andThenTimeElapses(Duration.ZERO)
                .andThenAPublished(new ProvisionStepStarted(ID, ProvisionStep.PREPARE_SOURCE, NOW));
        gate.busyOnce();
        fixture.whenTimeElapses(Duration.ZERO)
                .expectNoDispatchedCommands()
                .expectScheduledDeadlineWithName(ScriptedGate.BUSY_FOR, PipelineSaga.RUN_STEP);
        assertThat(steps.converged).isEmpty();
    }

    @Test
    void aStepOfAPipelineWhoseDeletionWasRequestedElsewhereIsDropped() throws Exception {
        fixture.givenAPublished(CREATED).andThenTimeElapses(Duration.ZERO)
                .andThenAPublished(new ProvisionStepStarted(ID, ProvisionStep.PREPARE_SOURCE, NOW));
        gate.deletedOnce();
        fixture.whenTimeElapses(Duration.ZERO)
                .expectNoDispatchedCommands()
                .expectNoScheduledDeadlines();
        assertThat(steps.converged).isEmpty();
    }

    @Test
    void theNewConnectorIsReadInADeadlineNeverInTheEventHandler() throws Exception {
        fixture.givenAPublished(CREATED).andThenTimeElapses(Duration.ZERO)
                .andThenAPublished(new ProvisionStepStarted(ID, ProvisionStep.CREATE_CONNECTOR, NOW))
                .andThenTimeElapses(Duration.ZERO)
                .whenAggregate(ID.toString()).publishes(new ConnectorCreated(ID, "mdb-pipeline-x", NOW))
                .expectScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.FINISH_PROVISIONING)
                .expectNoDispatchedCommands();
        observations.add(new ConnectorControl.ConnectorStatus("RUNNING", RUNNING_TASK, null, NOW));
        fixture.whenTimeElapses(Duration.ZERO)
                .expectDispatchedCommands(new CompleteProvisioning(ID, "RUNNING", RUNNING_TASK));
    }

    @Test
    void aWorkerThatCannotBeReadRightAfterTheConnectorWasCreatedIsAskedAgain() throws Exception {
        fixture.givenAPublished(CREATED).andThenTimeElapses(Duration.ZERO)
                .andThenAPublished(new ProvisionStepStarted(ID, ProvisionStep.CREATE_CONNECTOR, NOW))
                .andThenTimeElapses(Duration.ZERO)
                .andThenAPublished(new ConnectorCreated(ID, "mdb-pipeline-x", NOW))
                .whenTimeElapses(Duration.ZERO)
                .expectNoDispatchedCommands()
                .expectScheduledDeadlineWithName(Duration.ofSeconds(1), PipelineSaga.FINISH_PROVISIONING);
    }

    @Test
    void aDeletionDuringProvisioningCancelsTheReadingOfTheNewConnector() throws Exception {
        fixture.givenAPublished(CREATED).andThenTimeElapses(Duration.ZERO)
                .andThenAPublished(new ConnectorCreated(ID, "mdb-pipeline-x", NOW))
                .whenAggregate(ID.toString()).publishes(new PipelineDeletionRequested(ID,
                        PipelineStatus.PROVISIONING, ProvisionStep.CREATE_CONNECTOR, NOW))
                .expectNoScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.FINISH_PROVISIONING)
                .expectScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.TEAR_DOWN);
    }

    private final class ObservedConnector implements ConnectorControl {

        @Override
        public ConnectorStatus observe(PipelineSpec pipeline) {
            return observations.remove();
        }

        @Override
        public ConnectorStatus applyDesiredState(PipelineSpec pipeline) {
            throw new UnsupportedOperationException("not part of provisioning");
        }

        @Override
        public void restartFailed(PipelineSpec pipeline) {
            throw new UnsupportedOperationException("not part of provisioning");
        }

        @Override
        public void stop(PipelineSpec pipeline) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void repoint(PipelineSpec pipeline, SourceNode primary) {
            throw new UnsupportedOperationException("not part of provisioning");
        }
    }

    private static Optional<ServiceRecord> failToRead() {
        throw new IllegalStateException("the event store is not reachable");
    }
}
