package io.pipewright.query.dag;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.kernel.dag.DagDefinition;
import io.pipewright.kernel.dag.DagTask;
import io.pipewright.query.dag.DagLineageView.Dataset;
import io.pipewright.query.dag.DagLineageView.Edge;
import io.pipewright.query.dag.DagLineageView.Node;
import io.pipewright.query.dag.DagLineageView.TaskLineage;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The lineage of the reference's daily_revenue_pipeline, within it, towards another DAG and from a CDC pipeline. */
class DagLineageTest {

    private static final UUID POSTGRES = UUID.randomUUID();
    private static final UUID KAFKA = UUID.randomUUID();
    private static final UUID PIPELINE = UUID.randomUUID();
    private static final String NAMESPACE = "postgres://" + POSTGRES + "/analytics";

    private static final DagDefinition DAILY_REVENUE = definition("daily_revenue_pipeline", POSTGRES, List.of(
            sql("extract_orders", List.of(), "SELECT * FROM raw.orders WHERE date = '${execution_date}'",
                    "staging.orders_daily"),
            sql("transform_revenue", List.of("extract_orders"),
                    "SELECT region, SUM(amount) as revenue FROM staging.orders_daily GROUP BY region",
                    "analytics.revenue_by_region"),
            new DagTask("quality_check", DagTask.QUALITY, null, null, List.of("transform_revenue"),
                    List.of("row_count > 0", "revenue >= 0"), null, null, 0, 60, 600),
            new DagTask("notify", DagTask.NOTIFICATION, null, null, List.of("quality_check"), List.of(), "slack",
                    "Daily revenue pipeline completed", 0, 60, 600)));

    @Test
    void eachTaskReadsWhatItsQueryNamesAndWritesItsOutput() {
        DagLineageView lineage = DagLineage.of(PIPELINE, 3, DAILY_REVENUE, List.of(), List.of());

        assertThat(lineage.pipelineId()).isEqualTo(PIPELINE);
        assertThat(lineage.version()).isEqualTo(3);
        assertThat(lineage.tasks()).containsExactly(
                new TaskLineage("extract_orders", List.of(dataset("raw.orders")),
                        List.of(dataset("staging.orders_daily"))),
                new TaskLineage("transform_revenue", List.of(dataset("staging.orders_daily")),
                        List.of(dataset("analytics.revenue_by_region"))),
                new TaskLineage("quality_check", List.of(dataset("analytics.revenue_by_region")), List.of()),
                new TaskLineage("notify", List.of(), List.of()));
        assertThat(lineage.edges()).containsExactly(
                new Edge(Node.task("extract_orders"), Node.task("transform_revenue"), "staging.orders_daily"),
                new Edge(Node.task("transform_revenue"), Node.task("quality_check"), "analytics.revenue_by_region"));
    }

    @Test
    void anotherPipelineOnTheSameDatabaseMeetsItOnTheTablesOneWritesAndTheOtherReads() {
        UUID dashboards = UUID.randomUUID();
        UUID loader = UUID.randomUUID();
        UUID elsewhere = UUID.randomUUID();
        DagDefinition readsRevenue = definition("regional_dashboards", POSTGRES, List.of(sql("refresh", List.of(),
                "WITH r AS (SELECT * FROM Analytics.Revenue_By_Region) SELECT * FROM r", "marts.dashboard")));
        DagDefinition writesOrders = definition("orders_loader", POSTGRES, List.of(sql("load", List.of(),
                "SELECT * FROM landing.orders_feed", "raw.orders")));
        DagDefinition otherDatabase = definition("other_database", UUID.randomUUID(), List.of(sql("copy", List.of(),
                "SELECT * FROM analytics.revenue_by_region", "raw.orders")));

        DagLineageView lineage = DagLineage.of(PIPELINE, 1, DAILY_REVENUE, List.of(
                new DagLineage.OtherPipeline(PIPELINE, "daily_revenue_pipeline", DAILY_REVENUE),
                new DagLineage.OtherPipeline(dashboards, "regional_dashboards", readsRevenue),
                new DagLineage.OtherPipeline(loader, "orders_loader", writesOrders),
                new DagLineage.OtherPipeline(elsewhere, "other_database", otherDatabase)), List.of());

        assertThat(lineage.edges()).containsExactly(
                new Edge(Node.task("extract_orders"), Node.task("transform_revenue"), "staging.orders_daily"),
                new Edge(Node.task("transform_revenue"), Node.task("quality_check"), "analytics.revenue_by_region"),
                new Edge(Node.task("transform_revenue"),
                        Node.pipelineTask(dashboards, "regional_dashboards", "refresh"), "analytics.revenue_by_region"),
                new Edge(Node.pipelineTask(loader, "orders_loader", "load"), Node.task("extract_orders"),
                        "raw.orders"));
    }

    @Test
    void aTableACdcPipelineCapturesLeadsToItsTopic() {
        UUID cdc = UUID.randomUUID();
        DagLineage.CdcPipeline capturesOrders = new DagLineage.CdcPipeline(cdc, "orders-cdc", POSTGRES, "analytics",
                List.of("raw.orders", "raw.customers"), "shop", KAFKA);
        DagLineage.CdcPipeline otherService = new DagLineage.CdcPipeline(UUID.randomUUID(), "elsewhere-cdc",
                UUID.randomUUID(), "analytics", List.of("raw.orders"), "other", KAFKA);

        DagLineageView lineage = DagLineage.of(PIPELINE, 1, DAILY_REVENUE, List.of(),
                List.of(capturesOrders, otherService));

        assertThat(lineage.edges()).contains(new Edge(Node.dataset(dataset("raw.orders")),
                Node.topic("kafka://" + KAFKA, "shop.raw.orders", cdc, "orders-cdc"), Edge.CAPTURED));
        assertThat(lineage.edges()).filteredOn(edge -> edge.to().kind().equals(Node.TOPIC)).hasSize(1);
    }

    @Test
    void namesAreResolvedAsPostgresqlDoes() {
        assertThat(DagLineage.tableName("Raw.Orders")).isEqualTo("raw.orders");
        assertThat(DagLineage.tableName("orders")).isEqualTo("public.orders");
        assertThat(DagLineage.tableName("\"Raw\".\"Odd.Name\"")).isEqualTo("Raw.Odd.Name");
        assertThat(DagLineage.tableName("analytics.raw.orders")).isEqualTo("raw.orders");
        assertThat(DagLineage.tablesRead("SELECT o.id FROM raw.orders o JOIN customers c ON c.id = o.customer_id"
                + " WHERE o.day = ${execution_date}")).containsExactly("raw.orders", "public.customers");
    }

    private static Dataset dataset(String name) {
        return new Dataset(NAMESPACE, name);
    }

    private static DagTask sql(String id, List<String> dependsOn, String query, String output) {
        return new DagTask(id, DagTask.SQL, query, output, dependsOn, List.of(), null, null, 2, 30, 600);
    }

    private static DagDefinition definition(String name, UUID postgres, List<DagTask> tasks) {
        return new DagDefinition(name, "0 6 * * *", tasks, postgres, "analytics", KAFKA, 1, null, null);
    }
}
