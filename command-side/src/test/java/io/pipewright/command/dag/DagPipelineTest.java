package io.pipewright.command.dag;

import static io.pipewright.command.dag.DagHistory.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.kernel.CommandRefused;
import io.pipewright.kernel.dag.ConfigureDagSchedule;
import io.pipewright.kernel.dag.CreateDagPipeline;
import io.pipewright.kernel.dag.DagDefinition;
import io.pipewright.kernel.dag.DagPipelineCreated;
import io.pipewright.kernel.dag.DagPipelineDeleted;
import io.pipewright.kernel.dag.DagPipelineRevised;
import io.pipewright.kernel.dag.DagRunReleased;
import io.pipewright.kernel.dag.DagRunRequested;
import io.pipewright.kernel.dag.DagSchedule;
import io.pipewright.kernel.dag.DagSchedule.CatchUp;
import io.pipewright.kernel.dag.DagScheduleConfigured;
import io.pipewright.kernel.dag.DeleteDagPipeline;
import io.pipewright.kernel.dag.ReleaseDagRun;
import io.pipewright.kernel.dag.ReviseDagPipeline;
import io.pipewright.kernel.dag.TriggerDagRun;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DagPipelineTest {

    private static final DagSchedule DAILY_UTC = new DagSchedule("0 6 * * *", "UTC", true, CatchUp.LATEST);
    private static final DagScheduleConfigured SCHEDULED = new DagScheduleConfigured(ID, ORG, DAILY_UTC, NOW);
    private static final UUID RUN_2 = UUID.randomUUID();

    private FixtureConfiguration<DagPipeline> fixture;
    private InMemoryDagPipelineRegistry registry;

    @BeforeEach
    void setUp() {
        registry = new InMemoryDagPipelineRegistry();
        registry.postgresServices.add(POSTGRES);
        registry.kafkaServices.add(KAFKA);
        fixture = new AggregateTestFixture<>(DagPipeline.class);
        fixture.registerInjectableResource(registry);
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static DagRunRequested requested(UUID runId, int version, DagDefinition definition) {
        return new DagRunRequested(ID, ORG, runId, version, definition, "2026-11-26", TriggerDagRun.MANUAL, null,
                NOW);
    }

    private static TriggerDagRun trigger(UUID runId) {
        return new TriggerDagRun(ID, ORG, runId, "2026-11-26", TriggerDagRun.MANUAL, null);
    }

    @Test
    void createsVersionOneAndEnablesItsScheduleInUtc() {
        fixture.givenNoPriorActivity()
                .when(new CreateDagPipeline(ID, ORG, DEFINITION, "alice"))
                .expectSuccessfulHandlerExecution()
                .expectEvents(CREATED, SCHEDULED);
        assertThat(registry.names).containsEntry(ORG + "/daily_revenue_pipeline", ID);
        assertThat(registry.organizationOf(ID)).contains(ORG);
    }

    @Test
    void aPipelineWithoutScheduleHasNoScheduleEvent() {
        DagDefinition onRequest = definition(null, 1, null);
        fixture.givenNoPriorActivity()
                .when(new CreateDagPipeline(ID, ORG, onRequest, "alice"))
                .expectEvents(new DagPipelineCreated(ID, ORG, 1, onRequest, "alice", NOW));
    }

    @Test
    void refusesANameTakenInTheOrganization() {
        registry.claimName(ORG, "daily_revenue_pipeline", UUID.randomUUID());
        fixture.givenNoPriorActivity()
                .when(new CreateDagPipeline(ID, ORG, DEFINITION, "alice"))
                .expectException(CommandRefused.class)
                .expectExceptionMessage("a pipeline named daily_revenue_pipeline already exists in this organization")
                .expectNoEvents();
    }

    @Test
    void refusesServicesNotRegisteredInTheOrganization() {
        registry.kafkaServices.clear();
        fixture.givenNoPriorActivity()
                .when(new CreateDagPipeline(ID, ORG, DEFINITION, "alice"))
                .expectException(CommandRefused.class)
                .expectExceptionMessage("kafka_service_id: kafka service " + KAFKA
                        + " not found in this organization")
                .expectNoEvents();
        assertThat(registry.names).isEmpty();
    }

    @Test
    void aRevisionIsTheNextVersionAndKeepsTheScheduleWhenTheCronIsTheSame() {
        DagDefinition revised = definition("0 6 * * *", 3, 60);
        fixture.given(CREATED, SCHEDULED)
                .when(new ReviseDagPipeline(ID, ORG, revised, "bob"))
                .expectResultMessagePayload(2)
                .expectEvents(new DagPipelineRevised(ID, ORG, 2, revised, "bob", NOW));
    }

    @Test
    void aRevisedCronReconfiguresTheScheduleKeepingItsSettings() {
        DagSchedule helsinki = new DagSchedule("0 6 * * *", "Europe/Helsinki", false, CatchUp.ALL);
        DagDefinition revised = definition("30 7 * * 1-5", 1, null);
        fixture.given(CREATED, SCHEDULED, new DagScheduleConfigured(ID, ORG, helsinki, NOW),
                        new DagPipelineRevised(ID, ORG, 2, DEFINITION, "bob", NOW))
                .when(new ReviseDagPipeline(ID, ORG, revised, "carol"))
                .expectResultMessagePayload(3)
                .expectEvents(new DagPipelineRevised(ID, ORG, 3, revised, "carol", NOW),
                        new DagScheduleConfigured(ID, ORG, new DagSchedule("30 7 * * 1-5", "Europe/Helsinki", false,
                                CatchUp.ALL), NOW));
    }

    @Test
    void removingTheCronTurnsTheScheduleOffAndAddingOneTurnsItOn() {
        DagDefinition onRequest = definition(null, 1, null);
        fixture.given(CREATED, SCHEDULED)
                .when(new ReviseDagPipeline(ID, ORG, onRequest, "bob"))
                .expectEvents(new DagPipelineRevised(ID, ORG, 2, onRequest, "bob", NOW),
                        new DagScheduleConfigured(ID, ORG, new DagSchedule(null, "UTC", false, CatchUp.LATEST), NOW));
        fixture.given(new DagPipelineCreated(ID, ORG, 1, onRequest, "alice", NOW))
                .when(new ReviseDagPipeline(ID, ORG, DEFINITION, "bob"))
                .expectEvents(new DagPipelineRevised(ID, ORG, 2, DEFINITION, "bob", NOW), SCHEDULED);
    }

    @Test
    void aRevisionMayRenameWhenTheNameIsFree() {
        registry.claimName(ORG, "daily_revenue_pipeline", ID);
        registry.claimName(ORG, "taken", UUID.randomUUID());
        DagDefinition renamed = new DagDefinition("taken", "0 6 * * *", DEFINITION.tasks(), POSTGRES, "analytics",
                KAFKA, 1, null, null);
        fixture.given(CREATED, SCHEDULED)
                .when(new ReviseDagPipeline(ID, ORG, renamed, "bob"))
                .expectException(CommandRefused.class)
                .expectNoEvents();
    }

    @Test
    void anotherOrganizationsPipelineIsNotFound() {
        fixture.given(CREATED, SCHEDULED)
                .when(new ReviseDagPipeline(ID, OTHER_ORG, DEFINITION, "mallory"))
                .expectException(CommandRefused.class)
                .expectExceptionMessage(DagPipeline.NOT_FOUND)
                .expectNoEvents();
        fixture.given(CREATED, SCHEDULED)
                .when(new TriggerDagRun(ID, OTHER_ORG, RUN, "2026-11-26", TriggerDagRun.MANUAL, null))
                .expectException(CommandRefused.class)
                .expectExceptionMessage(DagPipeline.NOT_FOUND);
    }

    @Test
    void configuresTheScheduleOnlyWhenItChanges() {
        DagSchedule helsinki = new DagSchedule("0 6 * * *", "Europe/Helsinki", true, CatchUp.NONE);
        fixture.given(CREATED, SCHEDULED)
                .when(new ConfigureDagSchedule(ID, ORG, helsinki))
                .expectResultMessagePayload(true)
                .expectEvents(new DagScheduleConfigured(ID, ORG, helsinki, NOW));
        fixture.given(CREATED, SCHEDULED)
                .when(new ConfigureDagSchedule(ID, ORG, DAILY_UTC))
                .expectResultMessagePayload(false)
                .expectNoEvents();
    }

    @Test
    void aRunPinsTheCurrentVersionAndDefinition() {
        DagDefinition revised = definition("0 6 * * *", 2, null);
        fixture.given(CREATED, SCHEDULED, new DagPipelineRevised(ID, ORG, 2, revised, "bob", NOW))
                .when(new TriggerDagRun(ID, ORG, RUN, "2026-11-26", TriggerDagRun.SCHEDULE, NOW))
                .expectResultMessagePayload(true)
                .expectEvents(new DagRunRequested(ID, ORG, RUN, 2, revised, "2026-11-26", TriggerDagRun.SCHEDULE,
                        NOW, NOW));
    }

    @Test
    void aRunAlreadyActiveChangesNothing() {
        fixture.given(CREATED, SCHEDULED, requested(RUN, 1, DEFINITION))
                .when(trigger(RUN))
                .expectResultMessagePayload(false)
                .expectNoEvents();
    }

    /**
     * A due time fired twice (a node died after asking) gives one run, even once that run ended: the pipeline keeps
     * the latest scheduled due time, not every run id it ever had.
     */
    @Test
    void aDueTimeAlreadyRunChangesNothingEvenAfterItsRunEnded() {
        DagRunRequested scheduled = new DagRunRequested(ID, ORG, RUN, 1, DEFINITION, "2026-11-26",
                TriggerDagRun.SCHEDULE, NOW, NOW);
        fixture.given(CREATED, SCHEDULED, scheduled, new DagRunReleased(ID, RUN, NOW))
                .when(new TriggerDagRun(ID, ORG, RUN, "2026-11-26", TriggerDagRun.SCHEDULE, NOW))
                .expectResultMessagePayload(false)
                .expectNoEvents();
        fixture.given(CREATED, SCHEDULED, scheduled, new DagRunReleased(ID, RUN, NOW))
                .when(new TriggerDagRun(ID, ORG, RUN_2, "2026-11-27", TriggerDagRun.SCHEDULE,
                        NOW.plus(Duration.ofDays(1))))
                .expectResultMessagePayload(true);
    }

    @Test
    void refusesARunBeyondMaxActiveRuns() {
        fixture.given(CREATED, SCHEDULED, requested(RUN, 1, DEFINITION))
                .when(trigger(RUN_2))
                .expectException(CommandRefused.class)
                .expectExceptionMessage("pipeline daily_revenue_pipeline: max_active_runs (1) runs are active; "
                        + "a new run can start when one ends")
                .expectNoEvents();
    }

    @Test
    void aReleasedRunMakesRoomForTheNext() {
        fixture.given(CREATED, SCHEDULED, requested(RUN, 1, DEFINITION), new DagRunReleased(ID, RUN, NOW))
                .when(trigger(RUN_2))
                .expectResultMessagePayload(true)
                .expectEvents(requested(RUN_2, 1, DEFINITION));
    }

    @Test
    void releasesAnActiveRunOnce() {
        fixture.given(CREATED, SCHEDULED, requested(RUN, 1, DEFINITION))
                .when(new ReleaseDagRun(ID, RUN))
                .expectResultMessagePayload(true)
                .expectEvents(new DagRunReleased(ID, RUN, NOW));
        fixture.given(CREATED, SCHEDULED, requested(RUN, 1, DEFINITION), new DagRunReleased(ID, RUN, NOW))
                .when(new ReleaseDagRun(ID, RUN))
                .expectResultMessagePayload(false)
                .expectNoEvents();
    }

    @Test
    void deletingListsTheActiveRunsAndReleasesTheName() {
        registry.claimName(ORG, "daily_revenue_pipeline", ID);
        fixture.given(CREATED, SCHEDULED, requested(RUN, 1, DEFINITION))
                .when(new DeleteDagPipeline(ID, ORG, true))
                .expectResultMessagePayload(List.of(RUN))
                .expectEvents(new DagPipelineDeleted(ID, ORG, List.of(RUN), true, NOW));
        assertThat(registry.names).isEmpty();
        assertThat(registry.organizationOf(ID)).isEmpty();
    }

    @Test
    void aDeletedPipelineIsNotFoundButItsRunsStillEnd() {
        DagPipelineDeleted deleted = new DagPipelineDeleted(ID, ORG, List.of(RUN), false, NOW);
        for (Object command : List.of(trigger(RUN_2), new ReviseDagPipeline(ID, ORG, DEFINITION, "bob"),
                new ConfigureDagSchedule(ID, ORG, DAILY_UTC), new DeleteDagPipeline(ID, ORG, false))) {
            fixture.given(CREATED, SCHEDULED, requested(RUN, 1, DEFINITION), deleted)
                    .when(command)
                    .expectException(CommandRefused.class)
                    .expectExceptionMessage(DagPipeline.NOT_FOUND)
                    .expectNoEvents();
        }
        fixture.given(CREATED, SCHEDULED, requested(RUN, 1, DEFINITION), deleted)
                .when(new ReleaseDagRun(ID, RUN))
                .expectEvents(new DagRunReleased(ID, RUN, NOW));
    }
}
