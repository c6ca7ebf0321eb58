package io.pipewright.command.pipeline;

import static io.pipewright.command.pipeline.PipelineHistory.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.kernel.CommandRefused;
import io.pipewright.kernel.pipeline.CompletePipelineDeletion;
import io.pipewright.kernel.pipeline.CompleteProvisionStep;
import io.pipewright.kernel.pipeline.CompleteTeardownStep;
import io.pipewright.kernel.pipeline.ConnectorCreated;
import io.pipewright.kernel.pipeline.CreatePipeline;
import io.pipewright.kernel.pipeline.DecimalHandlingMode;
import io.pipewright.kernel.pipeline.DeletePipeline;
import io.pipewright.kernel.pipeline.FailPipeline;
import io.pipewright.kernel.pipeline.CompleteProvisioning;
import io.pipewright.kernel.pipeline.PauseCause;
import io.pipewright.kernel.pipeline.PausePipeline;
import io.pipewright.kernel.pipeline.PeeringEnsured;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.PipelineCreated;
import io.pipewright.kernel.pipeline.PipelineDeleted;
import io.pipewright.kernel.pipeline.PipelineDeletionRequested;
import io.pipewright.kernel.pipeline.PipelineFailed;
import io.pipewright.kernel.pipeline.PipelinePaused;
import io.pipewright.kernel.pipeline.PipelineResumed;
import io.pipewright.kernel.pipeline.PipelineRunning;
import io.pipewright.kernel.pipeline.PipelineStatus;
import io.pipewright.kernel.pipeline.PluginInstalled;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.kernel.pipeline.ProvisionStepStarted;
import io.pipewright.kernel.pipeline.PublicationCreated;
import io.pipewright.kernel.pipeline.ResumePipeline;
import io.pipewright.kernel.pipeline.SnapshotMode;
import io.pipewright.kernel.pipeline.SourcePrepared;
import io.pipewright.kernel.pipeline.StartProvisionStep;
import io.pipewright.kernel.pipeline.TaskState;
import io.pipewright.kernel.pipeline.TeardownStepCompleted;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PipelineTest {

    private FixtureConfiguration<Pipeline> fixture;
    private InMemoryPipelineRegistry registry;

    @BeforeEach
    void setUp() {
        registry = new InMemoryPipelineRegistry();
        registry.services.add(SOURCE);
        registry.services.add(SINK);
        fixture = new AggregateTestFixture<>(Pipeline.class);
        fixture.registerInjectableResource(registry);
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void createsAPendingPipelineAndClaimsItsName() {
        fixture.givenNoPriorActivity()
                .when(new CreatePipeline(ID, ORG, "orders-cdc", "cdc_pg_to_kafka", SOURCE, SINK, CONFIG, false))
                .expectSuccessfulHandlerExecution()
                .expectEvents(CREATED);
        assertThat(registry.names).containsEntry(ORG + "/orders-cdc", ID);
    }

    @Test
    void theCreatedEventCarriesTheDecimalHandlingModeAsked() {
        PipelineConfig exactDecimals = new PipelineConfig("defaultdb", List.of("public.orders"), "shop",
                SnapshotMode.INITIAL, false, DecimalHandlingMode.STRING);
        fixture.givenNoPriorActivity()
                .when(new CreatePipeline(ID, ORG, "orders-cdc", "cdc_pg_to_kafka", SOURCE, SINK, exactDecimals, false))
                .expectSuccessfulHandlerExecution()
                .expectEvents(new PipelineCreated(ID, ORG, "orders-cdc", "cdc_pg_to_kafka", SOURCE, SINK,
                        exactDecimals, false, NOW));
    }

    @Test
    void refusesANameTakenInTheOrganization() {
        registry.claimName(ORG, "orders-cdc", UUID.randomUUID(), SOURCE, SINK);
        fixture.givenNoPriorActivity()
                .when(new CreatePipeline(ID, ORG, "orders-cdc", "cdc_pg_to_kafka", SOURCE, SINK, CONFIG, false))
                .expectException(CommandRefused.class)
                .expectExceptionMessage("a pipeline named orders-cdc already exists in this organization")
                .expectNoEvents();
    }

    @Test
    void refusesServicesThatAreNotRegistered() {
        UUID unknown = UUID.randomUUID();
        fixture.givenNoPriorActivity()
                .when(new CreatePipeline(ID, ORG, "orders-cdc", "cdc_pg_to_kafka", unknown, SINK, CONFIG, false))
                .expectException(CommandRefused.class)
                .expectExceptionMessage("source service " + unknown + " not found in this organization")
                .expectNoEvents();
        assertThat(registry.names).isEmpty();
    }

    @Test
    void startsProvisioningWithTheFirstStep() {
        fixture.given(CREATED)
                .when(new StartProvisionStep(ID, ProvisionStep.ENSURE_NETWORK))
                .expectEvents(new ProvisionStepStarted(ID, ProvisionStep.ENSURE_NETWORK, NOW));
    }

    @Test
    void refusesStepsOutOfOrder() {
        fixture.given(CREATED)
                .when(new StartProvisionStep(ID, ProvisionStep.PREPARE_SOURCE))
                .expectException(CommandRefused.class)
                .expectExceptionMessage("pipeline orders-cdc is Pending; the next step would be ensure_network, "
                        + "not prepare_source")
                .expectNoEvents();
    }

    @Test
    void restartingTheStepInProgressChangesNothing() {
        fixture.given(CREATED, started(ProvisionStep.ENSURE_NETWORK))
                .when(new StartProvisionStep(ID, ProvisionStep.ENSURE_NETWORK))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void completesEachStepWithItsOwnEvent() {
        fixture.given(CREATED, started(ProvisionStep.ENSURE_NETWORK))
                .when(new CompleteProvisionStep(ID, ProvisionStep.ENSURE_NETWORK, "loopback"))
                .expectEvents(new PeeringEnsured(ID, "loopback", NOW));
        fixture.given(CREATED, started(ProvisionStep.ENSURE_NETWORK), new PeeringEnsured(ID, "loopback", NOW),
                        started(ProvisionStep.INSTALL_PLUGIN))
                .when(new CompleteProvisionStep(ID, ProvisionStep.INSTALL_PLUGIN, "debezium 3.7.0.Final"))
                .expectEvents(new PluginInstalled(ID, "debezium 3.7.0.Final", NOW));
    }

    @Test
    void theNextStepStartsOnlyAfterThePreviousCompleted() {
        fixture.given(CREATED, started(ProvisionStep.ENSURE_NETWORK))
                .when(new StartProvisionStep(ID, ProvisionStep.INSTALL_PLUGIN))
                .expectException(CommandRefused.class)
                .expectExceptionMessage("pipeline orders-cdc is Provisioning (ensure_network in progress); the next "
                        + "step would be none, not install_plugin");
        fixture.given(CREATED, started(ProvisionStep.ENSURE_NETWORK), new PeeringEnsured(ID, "loopback", NOW))
                .when(new StartProvisionStep(ID, ProvisionStep.INSTALL_PLUGIN))
                .expectEvents(new ProvisionStepStarted(ID, ProvisionStep.INSTALL_PLUGIN, NOW));
    }

    @Test
    void completingAStepThatIsNotInProgressIsRefused() {
        fixture.given(CREATED)
                .when(new CompleteProvisionStep(ID, ProvisionStep.ENSURE_NETWORK, "loopback"))
                .expectException(CommandRefused.class)
                .expectNoEvents();
    }

    @Test
    void runsOnceTheConnectorIsCreated() {
        fixture.given(provisioned())
                .when(new CompleteProvisioning(ID, "RUNNING", TASKS))
                .expectEvents(new PipelineRunning(ID, "RUNNING", TASKS, NOW));
    }

    @Test
    void cannotRunBeforeTheConnectorExists() {
        fixture.given(CREATED, started(ProvisionStep.ENSURE_NETWORK))
                .when(new CompleteProvisioning(ID, "RUNNING", TASKS))
                .expectException(CommandRefused.class)
                .expectNoEvents();
    }

    @Test
    void pausesAndResumesARunningPipeline() {
        fixture.given(running())
                .when(new PausePipeline(ID, ORG))
                .expectEvents(new PipelinePaused(ID, PauseCause.REQUESTED, NOW));
        fixture.given(running(new PipelinePaused(ID, PauseCause.REQUESTED, NOW)))
                .when(new ResumePipeline(ID, ORG))
                .expectEvents(new PipelineResumed(ID, PauseCause.REQUESTED, NOW));
    }

    @Test
    void pausingWhatIsPausedAndResumingWhatRunsChangeNothing() {
        fixture.given(running(new PipelinePaused(ID, PauseCause.REQUESTED, NOW)))
                .when(new PausePipeline(ID, ORG))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(running())
                .when(new ResumePipeline(ID, ORG))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void onlyARunningPipelineCanBePaused() {
        fixture.given(CREATED)
                .when(new PausePipeline(ID, ORG))
                .expectException(CommandRefused.class)
                .expectExceptionMessage("pipeline orders-cdc is Pending; only a Running pipeline can be paused")
                .expectNoEvents();
    }

    @Test
    void aFailedPipelineCannotBeResumed() {
        fixture.given(CREATED, new PipelineFailed(ID, null, "source service must be postgresql", NOW))
                .when(new ResumePipeline(ID, ORG))
                .expectException(CommandRefused.class)
                .expectNoEvents();
    }

    @Test
    void failingDuringProvisioningKeepsTheStep() {
        fixture.given(CREATED, started(ProvisionStep.ENSURE_NETWORK))
                .when(new FailPipeline(ID, "source zone se-sto1 and sink zone us-nyc1 are not in the same peering region"))
                .expectEvents(new PipelineFailed(ID, ProvisionStep.ENSURE_NETWORK,
                        "source zone se-sto1 and sink zone us-nyc1 are not in the same peering region", NOW));
    }

    @Test
    void failingAfterProvisioningNamesNoStep() {
        fixture.given(running())
                .when(new FailPipeline(ID, "connector task failed: boom"))
                .expectEvents(new PipelineFailed(ID, null, "connector task failed: boom", NOW));
    }

    @Test
    void aFailedPipelineDoesNotFailTwice() {
        fixture.given(CREATED, new PipelineFailed(ID, null, "first", NOW))
                .when(new FailPipeline(ID, "second"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void deletionCanBeRequestedFromEveryState() {
        fixture.given(CREATED)
                .when(new DeletePipeline(ID, ORG))
                .expectEvents(new PipelineDeletionRequested(ID, PipelineStatus.PENDING, null, NOW));
        fixture.given(CREATED, started(ProvisionStep.ENSURE_NETWORK))
                .when(new DeletePipeline(ID, ORG))
                .expectEvents(new PipelineDeletionRequested(ID, PipelineStatus.PROVISIONING,
                        ProvisionStep.ENSURE_NETWORK, NOW));
        fixture.given(running(new PipelinePaused(ID, PauseCause.REQUESTED, NOW)))
                .when(new DeletePipeline(ID, ORG))
                .expectEvents(new PipelineDeletionRequested(ID, PipelineStatus.PAUSED,
                        ProvisionStep.CREATE_CONNECTOR, NOW));
        fixture.given(CREATED, new PipelineFailed(ID, null, "boom", NOW))
                .when(new DeletePipeline(ID, ORG))
                .expectEvents(new PipelineDeletionRequested(ID, PipelineStatus.FAILED, null, NOW));
    }

    @Test
    void aDeletionRequestTurnsAwayEveryWorkButTheTeardownFromThen() {
        fixture.given(CREATED)
                .when(new DeletePipeline(ID, ORG))
                .expectSuccessfulHandlerExecution();
        assertThat(registry.deletionRequested).containsExactly(ID);
    }

    @Test
    void aSecondDeleteChangesNothing() {
        fixture.given(CREATED, new PipelineDeletionRequested(ID, PipelineStatus.PENDING, null, NOW))
                .when(new DeletePipeline(ID, ORG))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void aPipelineOfAnotherOrganizationDoesNotExistForTheCaller() {
        fixture.given(running())
                .when(new DeletePipeline(ID, OTHER_ORG))
                .expectException(CommandRefused.class)
                .expectExceptionMessage("pipeline not found")
                .expectNoEvents();
    }

    @Test
    void eachTeardownStepIsRecordedOnce() {
        fixture.given(CREATED, new PipelineDeletionRequested(ID, PipelineStatus.PENDING, null, NOW))
                .when(new CompleteTeardownStep(ID, ProvisionStep.CREATE_CONNECTOR))
                .expectEvents(new TeardownStepCompleted(ID, ProvisionStep.CREATE_CONNECTOR, NOW));
        fixture.given(CREATED, new PipelineDeletionRequested(ID, PipelineStatus.PENDING, null, NOW),
                        new TeardownStepCompleted(ID, ProvisionStep.CREATE_CONNECTOR, NOW))
                .when(new CompleteTeardownStep(ID, ProvisionStep.CREATE_CONNECTOR))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void teardownStepsRunOnlyAfterDeletionWasRequested() {
        fixture.given(running())
                .when(new CompleteTeardownStep(ID, ProvisionStep.CREATE_CONNECTOR))
                .expectException(CommandRefused.class)
                .expectNoEvents();
    }

    @Test
    void deletionCompletesOnlyWhenEveryResourceIsRemoved() {
        fixture.given(CREATED, new PipelineDeletionRequested(ID, PipelineStatus.PENDING, null, NOW),
                        new TeardownStepCompleted(ID, ProvisionStep.CREATE_CONNECTOR, NOW))
                .when(new CompletePipelineDeletion(ID))
                .expectException(CommandRefused.class)
                .expectExceptionMessage("pipeline orders-cdc still has resources to remove: "
                        + "[create_publication, prepare_source]")
                .expectNoEvents();
    }

    @Test
    void completingTheDeletionReleasesTheName() {
        registry.claimName(ORG, "orders-cdc", ID, SOURCE, SINK);
        fixture.given(CREATED, new PipelineDeletionRequested(ID, PipelineStatus.PENDING, null, NOW),
                        new TeardownStepCompleted(ID, ProvisionStep.CREATE_CONNECTOR, NOW),
                        new TeardownStepCompleted(ID, ProvisionStep.CREATE_PUBLICATION, NOW),
                        new TeardownStepCompleted(ID, ProvisionStep.PREPARE_SOURCE, NOW))
                .when(new CompletePipelineDeletion(ID))
                .expectEvents(new PipelineDeleted(ID, NOW))
                .expectMarkedDeleted();
        assertThat(registry.names).isEmpty();
    }

    @Test
    void deletionCompletesOnlyAfterItWasRequested() {
        fixture.given(running())
                .when(new CompletePipelineDeletion(ID))
                .expectException(CommandRefused.class)
                .expectNoEvents();
    }
}
