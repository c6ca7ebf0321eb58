package io.pipewright.command.pipeline;

import io.pipewright.kernel.pipeline.ConnectorCreated;
import io.pipewright.kernel.pipeline.PeeringEnsured;
import io.pipewright.kernel.pipeline.DecimalHandlingMode;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.PipelineCreated;
import io.pipewright.kernel.pipeline.PipelineRunning;
import io.pipewright.kernel.pipeline.PluginInstalled;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.kernel.pipeline.ProvisionStepStarted;
import io.pipewright.kernel.pipeline.PublicationCreated;
import io.pipewright.kernel.pipeline.SnapshotMode;
import io.pipewright.kernel.pipeline.SourcePrepared;
import io.pipewright.kernel.pipeline.TaskState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** One pipeline's events up to a point of its life, for the aggregate's tests. */
final class PipelineHistory {

    static final Instant NOW = Instant.parse("2026-06-22T10:00:00Z");
    static final UUID ID = UUID.fromString("a1b2c3d4-e5f6-7890-abcd-ef1234567890");
    static final UUID ORG = UUID.randomUUID();
    static final UUID OTHER_ORG = UUID.randomUUID();
    static final UUID SOURCE = UUID.randomUUID();
    static final UUID SINK = UUID.randomUUID();
    static final PipelineConfig CONFIG = new PipelineConfig("defaultdb",
            List.of("public.orders", "public.customers"), "shop", SnapshotMode.INITIAL, false, DecimalHandlingMode.DOUBLE);
    static final PipelineCreated CREATED = new PipelineCreated(ID, ORG, "orders-cdc", "cdc_pg_to_kafka",
            SOURCE, SINK, CONFIG, false, NOW);

    static final List<TaskState> TASKS = List.of(new TaskState(0, "RUNNING"));

    private PipelineHistory() {
    }

    static ProvisionStepStarted started(ProvisionStep step) {
        return new ProvisionStepStarted(ID, step, NOW);
    }

    static List<Object> provisioned() {
        return List.of(CREATED,
                started(ProvisionStep.ENSURE_NETWORK), new PeeringEnsured(ID, "loopback", NOW),
                started(ProvisionStep.INSTALL_PLUGIN), new PluginInstalled(ID, "debezium", NOW),
                started(ProvisionStep.PREPARE_SOURCE), new SourcePrepared(ID, "pipewright_a1b2c3d4", NOW),
                started(ProvisionStep.CREATE_PUBLICATION), new PublicationCreated(ID, "pipewright_a1b2c3d4", NOW),
                started(ProvisionStep.CREATE_CONNECTOR), new ConnectorCreated(ID, "mdb-pipeline-a1b2c3d4", NOW));
    }

    static List<Object> running(Object... then) {
        List<Object> events = new ArrayList<>(provisioned());
        events.add(new PipelineRunning(ID, "RUNNING", TASKS, NOW));
        events.addAll(List.of(then));
        return events;
    }
}
