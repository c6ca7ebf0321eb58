package io.pipewright.command.dag;

import io.pipewright.kernel.dag.DagDefinition;
import io.pipewright.kernel.dag.DagPipelineCreated;
import io.pipewright.kernel.dag.DagRunStarted;
import io.pipewright.kernel.dag.DagTask;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A DAG pipeline and a run of it, for the aggregates' tests. */
final class DagHistory {

    static final Instant NOW = Instant.parse("2026-11-26T06:00:00Z");
    static final UUID ID = UUID.fromString("d1a2b3c4-0000-4000-8000-000000000001");
    static final UUID RUN = UUID.fromString("d1a2b3c4-0000-4000-8000-0000000000a1");
    static final UUID ORG = UUID.randomUUID();
    static final UUID OTHER_ORG = UUID.randomUUID();
    static final UUID POSTGRES = UUID.randomUUID();
    static final UUID KAFKA = UUID.randomUUID();

    /**
     * The reference's DAG: extract_orders -> transform_revenue -> quality_check -> notify, plus an independent
     * branch (archive) so a failure leaves something else to run. Retries 2, backoff 30 s.
     */
    static final DagTask EXTRACT = sql("extract_orders", "staging.orders_daily");
    static final DagTask TRANSFORM = sql("transform_revenue", "analytics.revenue_by_region", "extract_orders");
    static final DagTask QUALITY = new DagTask("quality_check", DagTask.QUALITY, null, null,
            List.of("transform_revenue"), List.of("row_count > 0", "revenue >= 0"), null, null, 2, 30, 3600);
    static final DagTask NOTIFY = new DagTask("notify", DagTask.NOTIFICATION, null, null, List.of("quality_check"),
            null, "slack", "Daily revenue pipeline completed", 2, 30, 3600);
    static final DagTask ARCHIVE = sql("archive", "archive.orders");

    static final DagDefinition DEFINITION = definition("0 6 * * *", 1, null);
    static final DagPipelineCreated CREATED = new DagPipelineCreated(ID, ORG, 1, DEFINITION, "alice", NOW);

    private DagHistory() {
    }

    static DagTask sql(String id, String output, String... dependsOn) {
        return new DagTask(id, DagTask.SQL, "SELECT 1", output, List.of(dependsOn), null, null, null, 2, 30, 3600);
    }

    static DagDefinition definition(String schedule, int maxActiveRuns, Integer slaMinutes) {
        return new DagDefinition("daily_revenue_pipeline", schedule, List.of(EXTRACT, TRANSFORM, QUALITY, NOTIFY,
                ARCHIVE), POSTGRES, "analytics", KAFKA, maxActiveRuns, slaMinutes, null);
    }

    static DagRunStarted runStarted(DagDefinition definition) {
        return new DagRunStarted(RUN, ID, ORG, 1, definition, "2026-11-26", "manual", NOW);
    }
}
