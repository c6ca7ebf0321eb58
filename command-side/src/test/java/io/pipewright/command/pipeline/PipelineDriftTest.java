package io.pipewright.command.pipeline;

import static io.pipewright.command.pipeline.PipelineHistory.CREATED;
import static io.pipewright.command.pipeline.PipelineHistory.ID;
import static io.pipewright.command.pipeline.PipelineHistory.NOW;
import static io.pipewright.command.pipeline.PipelineHistory.provisioned;
import static io.pipewright.command.pipeline.PipelineHistory.running;

import io.pipewright.kernel.pipeline.ClearDrift;
import io.pipewright.kernel.pipeline.DriftCleared;
import io.pipewright.kernel.pipeline.DriftDetected;
import io.pipewright.kernel.pipeline.DriftRepaired;
import io.pipewright.kernel.pipeline.PauseCause;
import io.pipewright.kernel.pipeline.PipelineDeletionRequested;
import io.pipewright.kernel.pipeline.PipelinePaused;
import io.pipewright.kernel.pipeline.PipelineStatus;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.kernel.pipeline.RecordDrift;
import io.pipewright.kernel.pipeline.RecordDriftRepair;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Drift of a provisioned pipeline's resources: recorded once while it stays the same, closed when it is gone. */
class PipelineDriftTest {

    private static final Instant LATER = NOW.plusSeconds(60);
    private static final DriftDetected PUBLICATION_DRIFT = new DriftDetected(ID, "publication",
            "tables public.customers, public.orders", "tables public.orders", NOW);

    private FixtureConfiguration<Pipeline> fixture;

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(Pipeline.class);
        fixture.registerInjectableResource(new InMemoryPipelineRegistry());
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void aDriftOfARunningPipelineIsRecorded() {
        fixture.given(running())
                .when(record(NOW, "tables public.orders"))
                .expectEvents(PUBLICATION_DRIFT);
    }

    @Test
    void aDriftOfAPausedPipelineIsRecorded() {
        fixture.given(running(new PipelinePaused(ID, PauseCause.REQUESTED, NOW)))
                .when(record(NOW, "tables public.orders"))
                .expectEvents(PUBLICATION_DRIFT);
    }

    @Test
    void theSameOpenDriftSeenAgainIsIgnored() {
        fixture.given(running(PUBLICATION_DRIFT))
                .when(record(LATER, "tables public.orders"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void anOpenDriftThatChangedIsRecordedAgain() {
        fixture.given(running(PUBLICATION_DRIFT))
                .when(record(LATER, "no tables"))
                .expectEvents(new DriftDetected(ID, "publication", "tables public.customers, public.orders",
                        "no tables", LATER));
    }

    @Test
    void driftsOfDifferentResourcesAreEachRecorded() {
        fixture.given(running(PUBLICATION_DRIFT))
                .when(new RecordDrift(ID, "hba_entry", "a line tagged # pipewright:" + ID, "no such line", LATER))
                .expectEvents(new DriftDetected(ID, "hba_entry", "a line tagged # pipewright:" + ID,
                        "no such line", LATER));
    }

    @Test
    void aRepairClosesTheDrift() {
        fixture.given(running(PUBLICATION_DRIFT))
                .when(new RecordDriftRepair(ID, "publication", LATER))
                .expectEvents(new DriftRepaired(ID, "publication", LATER));
    }

    @Test
    void theSameDriftAfterARepairIsRecordedAgain() {
        fixture.given(running(PUBLICATION_DRIFT, new DriftRepaired(ID, "publication", LATER)))
                .when(record(LATER, "tables public.orders"))
                .expectEvents(new DriftDetected(ID, "publication", "tables public.customers, public.orders",
                        "tables public.orders", LATER));
    }

    @Test
    void aRepairOfNoOpenDriftIsIgnored() {
        fixture.given(running())
                .when(new RecordDriftRepair(ID, "publication", LATER))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void aClearOfADriftAlreadyRepairedIsIgnored() {
        fixture.given(running(PUBLICATION_DRIFT, new DriftRepaired(ID, "publication", LATER)))
                .when(new ClearDrift(ID, "publication", LATER))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void aDriftPutBackByHandIsCleared() {
        fixture.given(running(PUBLICATION_DRIFT))
                .when(new ClearDrift(ID, "publication", LATER))
                .expectEvents(new DriftCleared(ID, "publication", LATER));
    }

    @Test
    void noDriftIsRecordedBeforeThePipelineRuns() {
        fixture.given(CREATED)
                .when(record(NOW, "tables public.orders"))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
    }

    @Test
    void noDriftIsRecordedWhileTheLastStepCompletes() {
        fixture.given(provisioned())
                .when(record(NOW, "tables public.orders"))
                .expectNoEvents();
    }

    @Test
    void noDriftIsRecordedOnceDeletionWasRequested() {
        fixture.given(running(new PipelineDeletionRequested(ID, PipelineStatus.RUNNING, ProvisionStep.CREATE_CONNECTOR,
                        NOW)))
                .when(record(NOW, "tables public.orders"))
                .expectNoEvents();
    }

    private static RecordDrift record(Instant at, String actual) {
        return new RecordDrift(ID, "publication", "tables public.customers, public.orders", actual, at);
    }
}
