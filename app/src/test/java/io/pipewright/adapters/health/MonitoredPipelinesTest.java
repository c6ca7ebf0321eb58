package io.pipewright.adapters.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.kernel.pipeline.ConnectorCreated;
import io.pipewright.kernel.pipeline.ConnectorRepointed;
import io.pipewright.kernel.pipeline.DecimalHandlingMode;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.PipelineCreated;
import io.pipewright.kernel.pipeline.PipelineDeletionRequested;
import io.pipewright.kernel.pipeline.PipelineFailed;
import io.pipewright.kernel.pipeline.PipelineRestartRequested;
import io.pipewright.kernel.pipeline.PipelineRunning;
import io.pipewright.kernel.pipeline.PipelineStatus;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.kernel.pipeline.SnapshotMode;
import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.pipeline.TaskState;
import io.pipewright.sagas.health.MonitoredPipeline;
import io.pipewright.sagas.health.MonitoredPipelines;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Which pipelines the health rounds check, as the events say, on the control plane's real schema: every pipeline that
 * may own a replication slot until its deletion is requested, and never again after that.
 */
class MonitoredPipelinesTest {

    private static final Instant NOW = Instant.parse("2026-06-22T10:00:00Z");
    private static final SourceNode PRIMARY = new SourceNode("10.0.0.2", 5432);

    private static JdbcMonitoredPipelines monitored;
    private static JdbcTemplate jdbc;

    @BeforeAll
    static void schema() {
        jdbc = new JdbcTemplate(ControlPlaneDatabase.migratedDatabase("monitored"));
        monitored = new JdbcMonitoredPipelines(jdbc);
    }

    @Test
    void aRepointingCompletedAfterDeletionWasRequestedDoesNotTurnTheChecksBackOn() {
        UUID id = running();
        monitored.on(new PipelineDeletionRequested(id, PipelineStatus.RUNNING, null, NOW));
        monitored.on(new ConnectorRepointed(id, PRIMARY, NOW));
        assertThat(due()).doesNotContain(id);
    }

    @Test
    void aPipelineThatFailedOnceRunningIsStillCheckedUntilDeletionIsRequested() {
        UUID id = running();
        monitored.on(new PipelineFailed(id, null, "connector task failed: boom", NOW));
        assertThat(due()).contains(id);
        monitored.on(new PipelineDeletionRequested(id, PipelineStatus.FAILED, null, NOW));
        assertThat(due()).doesNotContain(id);
    }

    @Test
    void aPipelineThatFailedCreatingItsConnectorIsCheckedAndOneThatFailedEarlierIsNot() {
        UUID creatingConnector = created();
        monitored.on(new PipelineFailed(creatingConnector, ProvisionStep.CREATE_CONNECTOR, "boom", NOW));
        UUID preparingSource = created();
        monitored.on(new PipelineFailed(preparingSource, ProvisionStep.PREPARE_SOURCE, "boom", NOW));
        UUID pending = created();
        monitored.on(new PipelineFailed(pending, null, "source is not PostgreSQL", NOW));
        assertThat(due()).contains(creatingConnector).doesNotContain(preparingSource, pending);
    }

    /**
     * A re-snapshot's new slot is created by its connector's task when the task starts (for a paused pipeline, at the
     * resume), so the connector's creation does not make a slot expected: only a round that began after it and saw the
     * slot does. Before, a round between the creation and the task's start recorded a false data gap.
     */
    @Test
    void aResnapshotsNewSlotIsExpectedOnlyOnceARoundThatBeganAfterItsConnectorSawIt() {
        UUID id = running();
        SlotRecords slots = new SlotRecords(jdbc);
        Instant requested = NOW.plusSeconds(60);
        Instant created = requested.plusSeconds(1);
        monitored.recordChecks(Map.of(id, seen()), NOW, NOW);
        assertThat(claimed(id).slotExpected()).isTrue();

        slots.on(new PipelineRestartRequested(id, true, PipelineStatus.PAUSED, requested));
        monitored.recordChecks(Map.of(id, seen()), requested.plusMillis(500), requested.plusMillis(600));
        slots.on(new ConnectorCreated(id, "mdb-pipeline-" + id, created));
        assertThat(claimed(id).slotExpected()).as("after the new connector exists").isFalse();

        monitored.recordChecks(Map.of(id, seen()), created.minusMillis(100), created.plusMillis(100));
        assertThat(claimed(id).slotExpected()).as("seen by a round that began before the connector").isFalse();
        monitored.recordChecks(Map.of(id, seen()), created.plusSeconds(5), created.plusSeconds(5));
        assertThat(claimed(id).slotExpected()).as("seen by a round that began after it").isTrue();
    }

    /** The health round's commands and log lines name the organization: the registry keeps it from the creation. */
    @Test
    void aMonitoredPipelineNamesItsOrganizationInWhatTheRoundSends() {
        UUID organization = UUID.randomUUID();
        UUID id = running(organization);

        MonitoredPipeline claimed = monitored.claimDue(10_000, Duration.ZERO, Instant.now().plusSeconds(1)).stream()
                .filter(pipeline -> pipeline.pipelineId().equals(id)).findFirst().orElseThrow();

        assertThat(claimed.organizationId()).isEqualTo(organization);
        assertThat(claimed.commandMetaData("health-check")).containsEntry("organization_id", organization.toString())
                .containsEntry("actor", "health-check");
    }

    private static UUID created() {
        return created(UUID.randomUUID());
    }

    private static UUID created(UUID organization) {
        UUID id = UUID.randomUUID();
        monitored.on(new PipelineCreated(id, organization, "p-" + id, "cdc_pg_to_kafka", UUID.randomUUID(),
                UUID.randomUUID(), new PipelineConfig("defaultdb", List.of("public.orders"), "shop",
                SnapshotMode.INITIAL, false, DecimalHandlingMode.DOUBLE), false, NOW));
        return id;
    }

    private static UUID running() {
        return running(UUID.randomUUID());
    }

    private static UUID running(UUID organization) {
        UUID id = created(organization);
        monitored.on(new PipelineRunning(id, "RUNNING", List.of(new TaskState(0, "RUNNING")), NOW));
        return id;
    }

    private static MonitoredPipelines.Measurement seen() {
        return new MonitoredPipelines.Measurement(0L, 0L, PRIMARY, PRIMARY, "0/16B3748", null, null, true);
    }

    private static MonitoredPipeline claimed(UUID id) {
        return monitored.ofSource(jdbc.queryForObject("SELECT source_service_id FROM pipeline_health WHERE pipeline_id = ?",
                UUID.class, id)).stream().filter(pipeline -> pipeline.pipelineId().equals(id)).findFirst().orElseThrow();
    }

    /** Every pipeline a round would claim now; claimed ones are due again only after the interval. */
    private static List<UUID> due() {
        return monitored.claimDue(10_000, Duration.ZERO, Instant.now().plusSeconds(1)).stream()
                .map(MonitoredPipeline::pipelineId).toList();
    }
}
