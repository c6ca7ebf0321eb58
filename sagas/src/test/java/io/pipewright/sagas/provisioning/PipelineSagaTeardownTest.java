package io.pipewright.sagas.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.kernel.pipeline.CompletePipelineDeletion;
import io.pipewright.kernel.pipeline.CompleteTeardownStep;
import io.pipewright.kernel.pipeline.DecimalHandlingMode;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.PipelineCreated;
import io.pipewright.kernel.pipeline.PipelineDeleted;
import io.pipewright.kernel.pipeline.PipelineDeletionRequested;
import io.pipewright.kernel.pipeline.PipelineRunning;
import io.pipewright.kernel.pipeline.PipelineStatus;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.kernel.pipeline.ProvisionStepStarted;
import io.pipewright.kernel.pipeline.SnapshotMode;
import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.pipeline.TaskState;
import io.pipewright.kernel.pipeline.TeardownStepCompleted;
import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.kernel.service.ServiceType;
import io.pipewright.sagas.tenancy.ScriptedGate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.test.saga.SagaTestFixture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The reconciler's teardown as timelines: the steps' resources removed in reverse, one deadline each, a removal that
 * fails retried with backoff, only what provisioning reached looked for, and the deletion completed after the last.
 */
class PipelineSagaTeardownTest {

    private static final Instant NOW = Instant.parse("2026-06-22T10:00:00Z");
    private static final UUID ID = UUID.randomUUID();
    private static final UUID SOURCE = UUID.randomUUID();
    private static final UUID SINK = UUID.randomUUID();
    private static final PipelineCreated CREATED = new PipelineCreated(ID, UUID.randomUUID(), "orders-cdc",
            "cdc_pg_to_kafka", SOURCE, SINK, new PipelineConfig("defaultdb", List.of(), "shop", SnapshotMode.INITIAL,
            false, DecimalHandlingMode.DOUBLE), false, NOW);

    private SagaTestFixture<PipelineSaga> fixture;
    private final RecordingSteps steps = new RecordingSteps();
    private final ScriptedGate gate = new ScriptedGate();

    @BeforeEach
    void setUp() {
        fixture = new SagaTestFixture<>(PipelineSaga.class);
        fixture.registerResource((ServiceDirectory) serviceId -> Optional.of(serviceId.equals(SOURCE)
                ? new ServiceRecord(SOURCE, new ServiceDescription("orders-pg", ServiceType.POSTGRESQL, "17", "local",
                null, null, null, List.of()), "local", null, null, ServiceStatus.RUNNING, Map.of())
                : new ServiceRecord(SINK, new ServiceDescription("events-kafka", ServiceType.KAFKA, "4.3", "local",
                null, null, null, List.of(ServiceDescription.KAFKA_CONNECT_ADDON)), "local", null, null,
                ServiceStatus.RUNNING, Map.of(ServiceDescription.KAFKA_CONNECT_ADDON, ServiceStatus.RUNNING))));
        fixture.registerResource(steps.steps());
        fixture.registerResource(gate);
        fixture.registerResource(new HealingPolicy(HealingPolicy.DEFAULT_RETRY_WINDOW));
        fixture.registerResource(new UnusedConnector());
        fixture.registerCommandGateway(CommandGateway.class);
    }

    @Test
    void aRunningPipelineLosesConnectorThenPublicationThenRoleAndIsDeleted() throws Exception {
        fixture.givenAPublished(CREATED);
        startedUpTo(ProvisionStep.CREATE_CONNECTOR);
        fixture.givenCurrentTime(NOW);
        fixture.whenAggregate(ID.toString()).publishes(new PipelineRunning(ID, "RUNNING",
                List.of(new TaskState(0, "RUNNING")), NOW));
        fixture.whenAggregate(ID.toString()).publishes(deletionRequested())
                .expectScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.TEAR_DOWN);

        fixture.whenTimeElapses(Duration.ZERO)
                .expectDispatchedCommands(new CompleteTeardownStep(ID, ProvisionStep.CREATE_CONNECTOR));
        fixture.whenAggregate(ID.toString()).publishes(completed(ProvisionStep.CREATE_CONNECTOR))
                .expectScheduledDeadlineWithName(Duration.ZERO, PipelineSaga.TEAR_DOWN);
        fixture.whenTimeElapses(Duration.ZERO)
                .expectDispatchedCommands(new CompleteTeardownStep(ID, ProvisionStep.CREATE_PUBLICATION));
        fixture.whenAggregate(ID.toString()).publishes(completed(ProvisionStep.CREATE_PUBLICATION));
        fixture.whenTimeElapses(Duration.ZERO)
                .expectDispatchedCommands(new CompleteTeardownStep(ID, ProvisionStep.PREPARE_SOURCE));
        fixture.whenAggregate(ID.toString()).publishes(completed(ProvisionStep.PREPARE_SOURCE))
                .expectDispatchedCommands(new CompletePipelineDeletion(ID))
                .expectNoScheduledDeadlines();

        assertThat(steps.removed).containsExactly(ProvisionStep.CREATE_CONNECTOR, ProvisionStep.CREATE_PUBLICATION,
                ProvisionStep.PREPARE_SOURCE);
        fixture.whenAggregate(ID.toString()).publishes(new PipelineDeleted(ID, NOW))
                .expectActiveSagas(0);
    }

    @Test
    void aRemovalThatFailsIsRetriedWithBackoffUntilTheResourceIsGone() throws Exception {
        steps.failRemovalOf(ProvisionStep.CREATE_CONNECTOR, 2);
        fixture.givenAPublished(CREATED);
        startedUpTo(ProvisionStep.CREATE_CONNECTOR);
        fixture.whenAggregate(ID.toString()).publishes(deletionRequested());

        fixture.whenTimeElapses(Duration.ZERO)
                .expectNoDispatchedCommands()
                .expectScheduledDeadlineWithName(Duration.ofSeconds(1), PipelineSaga.TEAR_DOWN);
        fixture.whenTimeElapses(Duration.ofSeconds(1))
                .expectNoDispatchedCommands()
                .expectScheduledDeadlineWithName(Duration.ofSeconds(2), PipelineSaga.TEAR_DOWN);
        fixture.whenTimeElapses(Duration.ofSeconds(2))
                .expectDispatchedCommands(new CompleteTeardownStep(ID, ProvisionStep.CREATE_CONNECTOR));
        assertThat(steps.removed).containsExactly(ProvisionStep.CREATE_CONNECTOR);
    }

    /** Provisioning stopped at prepare_source: no connector or publication was ever made, so none is looked for. */
    @Test
    void onlyWhatProvisioningReachedIsLookedFor() throws Exception {
        fixture.givenAPublished(CREATED);
        startedUpTo(ProvisionStep.PREPARE_SOURCE);
        fixture.whenAggregate(ID.toString()).publishes(deletionRequested());

        fixture.whenTimeElapses(Duration.ZERO)
                .expectDispatchedCommands(new CompleteTeardownStep(ID, ProvisionStep.CREATE_CONNECTOR));
        fixture.whenAggregate(ID.toString()).publishes(completed(ProvisionStep.CREATE_CONNECTOR));
        fixture.whenTimeElapses(Duration.ZERO)
                .expectDispatchedCommands(new CompleteTeardownStep(ID, ProvisionStep.CREATE_PUBLICATION));
        fixture.whenAggregate(ID.toString()).publishes(completed(ProvisionStep.CREATE_PUBLICATION));
        fixture.whenTimeElapses(Duration.ZERO)
                .expectDispatchedCommands(new CompleteTeardownStep(ID, ProvisionStep.PREPARE_SOURCE));

        assertThat(steps.removed).containsExactly(ProvisionStep.PREPARE_SOURCE);
    }

    private void startedUpTo(ProvisionStep last) throws Exception {
        for (ProvisionStep step : ProvisionStep.values()) {
            if (step.ordinal() <= last.ordinal()) {
                fixture.whenAggregate(ID.toString()).publishes(new ProvisionStepStarted(ID, step, NOW));
            }
        }
        fixture.whenTimeElapses(Duration.ofMinutes(1));
    }

    private static PipelineDeletionRequested deletionRequested() {
        return new PipelineDeletionRequested(ID, PipelineStatus.RUNNING, ProvisionStep.CREATE_CONNECTOR, NOW);
    }

    private static TeardownStepCompleted completed(ProvisionStep step) {
        return new TeardownStepCompleted(ID, step, NOW);
    }

    /** The teardown never asks the connector: removing it is the create_connector step's remove. */
    private static final class UnusedConnector implements ConnectorControl {

        @Override
        public ConnectorStatus observe(PipelineSpec pipeline) {
            throw new AssertionError("a teardown does not observe the connector");
        }

        @Override
        public ConnectorStatus applyDesiredState(PipelineSpec pipeline) {
            throw new AssertionError("a teardown does not pause or resume");
        }

        @Override
        public void restartFailed(PipelineSpec pipeline) {
            throw new AssertionError("a teardown does not restart");
        }

        @Override
        public void stop(PipelineSpec pipeline) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void repoint(PipelineSpec pipeline, SourceNode primary) {
            throw new AssertionError("a teardown does not re-point");
        }
    }
}
