package io.pipewright.command.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipewright.command.web.FieldViolation;
import io.pipewright.command.web.InvalidRequest;
import io.pipewright.kernel.dag.DagDefinition;
import io.pipewright.kernel.dag.DagTask;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DagPipelineRequestTest {

    static final String POSTGRES = "0b8d1c9e-6f1a-4a55-9b3c-2f0e4d5a6b7c";
    static final String KAFKA = "1c9e2d0f-7a2b-4b66-8c4d-3a1f5e6b7c8d";

    static DagPipelineRequest.Task sql(String id, String query, String output, String... dependsOn) {
        return new DagPipelineRequest.Task(id, "sql", query, output, List.of(dependsOn), null, null, null, null,
                null, null);
    }

    static DagPipelineRequest.Task quality(String id, List<String> checks, String... dependsOn) {
        return new DagPipelineRequest.Task(id, "quality", null, null, List.of(dependsOn), checks, null, null, null,
                null, null);
    }

    static DagPipelineRequest.Task notify(String id, String channel, String message, String... dependsOn) {
        return new DagPipelineRequest.Task(id, "notification", null, null, List.of(dependsOn), null, channel,
                message, null, null, null);
    }

    /** The reference's example, with where it runs. */
    static List<DagPipelineRequest.Task> referenceTasks() {
        return List.of(
                sql("extract_orders", "SELECT * FROM raw.orders WHERE date = '${execution_date}'",
                        "staging.orders_daily"),
                sql("transform_revenue", "SELECT region, SUM(amount) as revenue FROM staging.orders_daily "
                        + "GROUP BY region", "analytics.revenue_by_region", "extract_orders"),
                quality("quality_check", List.of("row_count > 0", "revenue >= 0"), "transform_revenue"),
                notify("notify", "slack", "Daily revenue pipeline completed", "quality_check"));
    }

    static DagPipelineRequest request(List<DagPipelineRequest.Task> tasks) {
        return new DagPipelineRequest(null, "daily_revenue_pipeline", "0 6 * * *", tasks, POSTGRES, "analytics",
                KAFKA, null, null, null);
    }

    static List<FieldViolation> violations(DagPipelineRequest request) {
        try {
            request.toDefinition();
        } catch (InvalidRequest invalid) {
            return invalid.violations();
        }
        throw new AssertionError("the request was accepted");
    }

    static List<DagPipelineRequest.Task> with(int index, DagPipelineRequest.Task task) {
        List<DagPipelineRequest.Task> tasks = new ArrayList<>(referenceTasks());
        tasks.set(index, task);
        return tasks;
    }

    @Test
    void theReferenceDefinitionIsAcceptedWithDefaults() {
        DagDefinition definition = request(referenceTasks()).toDefinition();

        assertThat(definition.name()).isEqualTo("daily_revenue_pipeline");
        assertThat(definition.schedule()).isEqualTo("0 6 * * *");
        assertThat(definition.postgresServiceId()).isEqualTo(UUID.fromString(POSTGRES));
        assertThat(definition.kafkaServiceId()).isEqualTo(UUID.fromString(KAFKA));
        assertThat(definition.maxActiveRuns()).isEqualTo(1);
        assertThat(definition.slaMinutes()).isNull();
        assertThat(definition.onFailure()).isNull();
        assertThat(definition.tasks()).extracting(DagTask::id)
                .containsExactly("extract_orders", "transform_revenue", "quality_check", "notify");
        DagTask first = definition.tasks().get(0);
        assertThat(first.retries()).isEqualTo(2);
        assertThat(first.retryBackoffSeconds()).isEqualTo(30);
        assertThat(first.timeoutSeconds()).isEqualTo(3600);
        assertThat(definition.tasks().get(2).checks()).containsExactly("row_count > 0", "revenue >= 0");
        assertThat(definition.tasks().get(3).dependsOn()).containsExactly("quality_check");
    }

    @Test
    void takesTheLimitsAsked() {
        DagPipelineRequest.Task task = new DagPipelineRequest.Task("a", "sql", "SELECT 1 AS one", "s.t", null, null,
                null, null, 0, 5, 60);
        DagDefinition definition = new DagPipelineRequest(null, "p", null, List.of(task), POSTGRES, "db", KAFKA, 4,
                90, new DagPipelineRequest.OnFailure("ops", "run ${run_id} of ${pipeline_name} failed"))
                .toDefinition();

        assertThat(definition.schedule()).isNull();
        assertThat(definition.maxActiveRuns()).isEqualTo(4);
        assertThat(definition.slaMinutes()).isEqualTo(90);
        assertThat(definition.onFailure()).isEqualTo(new DagDefinition.FailureNotification("ops",
                "run ${run_id} of ${pipeline_name} failed"));
        assertThat(definition.tasks().get(0)).extracting(DagTask::retries, DagTask::retryBackoffSeconds,
                DagTask::timeoutSeconds).containsExactly(0, 5, 60);
    }

    @Test
    void requiresTheTopLevelFields() {
        assertThat(violations(new DagPipelineRequest(null, null, null, null, null, null, null, null, null, null)))
                .containsExactly(new FieldViolation("name", "is required"),
                        new FieldViolation("postgres_service_id", "is required"),
                        new FieldViolation("database", "is required"),
                        new FieldViolation("tasks", "is required"));
    }

    @Test
    void checksNameIdsDatabaseAndOrganization() {
        DagPipelineRequest request = new DagPipelineRequest("not-a-uuid", "Daily Revenue", null, referenceTasks(),
                "x", "bad name", "y", null, null, null);

        assertThat(violations(request)).extracting(FieldViolation::field)
                .containsExactly("organization_id", "name", "postgres_service_id", "database", "kafka_service_id");
    }

    @Test
    void refusesAScheduleThatIsNotAFiveFieldCron() {
        for (String cron : List.of("0 0 6 * * *", "61 6 * * *", "every day", "")) {
            DagPipelineRequest request = new DagPipelineRequest(null, "p", cron, referenceTasks(), POSTGRES, "db",
                    KAFKA, null, null, null);
            assertThat(violations(request)).extracting(FieldViolation::field).as(cron).containsExactly("schedule");
        }
    }

    @Test
    void refusesRepeatedTaskIds() {
        List<DagPipelineRequest.Task> tasks = with(1, sql("extract_orders", "SELECT 1", "a.b"));

        assertThat(violations(request(tasks))).contains(
                new FieldViolation("tasks[1].id", "repeats the id of tasks[0]"));
    }

    @Test
    void refusesADependencyOnNoTaskNamingItsPath() {
        List<DagPipelineRequest.Task> tasks = with(2, quality("quality_check", List.of("row_count > 0"),
                "transform_revenue", "missing"));

        assertThat(violations(request(tasks))).containsExactly(
                new FieldViolation("tasks[2].depends_on[1]", "names no task of this pipeline: missing"));
    }

    @Test
    void refusesACycleNamingIt() {
        List<DagPipelineRequest.Task> tasks = List.of(sql("a", "SELECT 1", "s.a", "b"), sql("b", "SELECT 1", "s.b",
                "c"), sql("c", "SELECT 1", "s.c", "a"));

        assertThat(violations(request(tasks))).containsExactly(
                new FieldViolation("tasks[0].depends_on", "forms a cycle: a -> b -> c -> a"));
    }

    @Test
    void refusesATaskDependingOnItself() {
        assertThat(violations(request(List.of(sql("a", "SELECT 1", "s.a", "a"))))).containsExactly(
                new FieldViolation("tasks[0].depends_on[0]", "names the task itself"));
    }

    @Test
    void refusesAnUnknownTaskType() {
        List<DagPipelineRequest.Task> tasks = with(0, new DagPipelineRequest.Task("extract_orders", "python", null,
                null, null, null, null, null, null, null, null));

        assertThat(violations(request(tasks))).contains(
                new FieldViolation("tasks[0].type", "must be one of sql, quality, notification"));
    }

    @Test
    void anSqlTaskNeedsAQueryAndAnOutput() {
        List<DagPipelineRequest.Task> tasks = with(0, sql("extract_orders", null, null));

        assertThat(violations(request(tasks))).containsExactly(
                new FieldViolation("tasks[0].query", "is required"),
                new FieldViolation("tasks[0].output", "is required"));
    }

    @Test
    void anSqlQueryThatDoesNotParseIsReportedWithItsPosition() {
        List<DagPipelineRequest.Task> tasks = with(1, sql("transform_revenue",
                "SELECT region,\n  SUM(amount) revenue FROM staging.orders_daily GROUPP BY region",
                "analytics.revenue_by_region", "extract_orders"));

        List<FieldViolation> found = violations(request(tasks));

        assertThat(found).hasSize(1);
        assertThat(found.get(0).field()).isEqualTo("tasks[1].query");
        assertThat(found.get(0).rule()).startsWith("does not parse as SQL: line 2, column ")
                .contains("unexpected \"BY\"");
    }

    @Test
    void anSqlQueryMustBeOneSelect() {
        for (String query : List.of("DELETE FROM raw.orders", "SELECT 1; DROP TABLE raw.orders",
                "INSERT INTO a.b SELECT 1", "SELECT * INTO a.copy FROM raw.orders",
                "WITH gone AS (DELETE FROM raw.orders RETURNING *) SELECT * FROM gone")) {
            List<FieldViolation> found = violations(request(with(0, sql("extract_orders", query,
                    "staging.orders_daily"))));
            assertThat(found).as(query).extracting(FieldViolation::field).containsExactly("tasks[0].query");
        }
    }

    @Test
    void aWithSelectAndAUnionAreQueries() {
        for (String query : List.of("WITH o AS (SELECT * FROM raw.orders) SELECT * FROM o",
                "SELECT id FROM raw.a UNION ALL SELECT id FROM raw.b", "SELECT 1;")) {
            request(with(0, sql("extract_orders", query, "staging.orders_daily"))).toDefinition();
        }
    }

    @Test
    void onlyTheThreePlaceholdersAreAllowed() {
        String query = "SELECT '${run_id}', '${pipeline_name}' FROM raw.orders WHERE d = '${execution_date}' "
                + "AND x = ${secret}";

        assertThat(violations(request(with(0, sql("extract_orders", query, "staging.orders_daily")))))
                .containsExactly(new FieldViolation("tasks[0].query", "uses unknown placeholder(s) ${secret}; only "
                        + "${execution_date}, ${run_id} and ${pipeline_name} are replaced"));
        assertThat(violations(request(with(3, notify("notify", "slack", "done ${env}", "quality_check")))))
                .extracting(FieldViolation::field).containsExactly("tasks[3].message");
    }

    @Test
    void aPlaceholderOutsideAStringLiteralStillParsesAndKeepsPositions() {
        request(with(0, sql("extract_orders", "SELECT * FROM raw.orders WHERE run = ${run_id}",
                "staging.orders_daily"))).toDefinition();
        List<FieldViolation> found = violations(request(with(0, sql("extract_orders",
                "SELECT '${execution_date}' FROMM raw.orders", "staging.orders_daily"))));
        assertThat(found.get(0).rule()).contains("line 1, column 34: unexpected \"raw\"");
    }

    @Test
    void anOutputIsALowercaseSchemaQualifiedTableOutsideTheSystemSchemas() {
        for (String output : List.of("orders", "Staging.orders", "a.b.c", "staging.1orders", "pg_catalog.t",
                "information_schema.t", "s." + "x".repeat(64))) {
            assertThat(violations(request(with(0, sql("extract_orders", "SELECT 1", output)))))
                    .as(output).extracting(FieldViolation::field).containsExactly("tasks[0].output");
        }
    }

    @Test
    void aQualityTaskNeedsChecksAndExactlyOneDependencyWithAnOutput() {
        assertThat(violations(request(with(2, quality("quality_check", List.of(), "transform_revenue")))))
                .containsExactly(new FieldViolation("tasks[2].checks", "must list at least one check"));
        assertThat(violations(request(with(2, quality("quality_check", List.of("row_count > 0"))))))
                .containsExactly(new FieldViolation("tasks[2].depends_on",
                        "must name exactly one task with an output: the output the checks run on"));
        assertThat(violations(request(with(2, quality("quality_check", List.of("row_count > 0"),
                "extract_orders", "transform_revenue"))))).extracting(FieldViolation::field)
                .containsExactly("tasks[2].depends_on");
    }

    @Test
    void aQualityCheckOutsideTheGrammarNamesItsIndex() {
        List<FieldViolation> found = violations(request(with(2, quality("quality_check",
                List.of("row_count > 0", "upper(region) = 'EU'", "revenue >= 0"), "transform_revenue"))));

        assertThat(found).hasSize(1);
        assertThat(found.get(0).field()).isEqualTo("tasks[2].checks[1]");
    }

    @Test
    void aNotificationNeedsChannelMessageAndAKafkaService() {
        DagPipelineRequest noKafka = new DagPipelineRequest(null, "p", null, with(3, notify("notify", null, null,
                "quality_check")), POSTGRES, "db", null, null, null, null);

        assertThat(violations(noKafka)).containsExactly(
                new FieldViolation("tasks[3].channel", "is required"),
                new FieldViolation("tasks[3].message", "is required"),
                new FieldViolation("kafka_service_id",
                        "is required when a task sends a notification (tasks[3])"));
    }

    @Test
    void fieldsOfAnotherTaskTypeAreRefused() {
        DagPipelineRequest.Task mixed = new DagPipelineRequest.Task("notify", "notification", "SELECT 1", null,
                List.of("quality_check"), null, "slack", "done", null, null, null);

        assertThat(violations(request(with(3, mixed)))).containsExactly(
                new FieldViolation("tasks[3].query", "is not a field of this task type"));
    }

    @Test
    void checksTheCaps() {
        DagPipelineRequest.Task big = new DagPipelineRequest.Task("extract_orders", "sql",
                "SELECT '" + "x".repeat(64 * 1024) + "'", "staging.orders_daily", null, null, null, null, 11, 0,
                86401);
        List<DagPipelineRequest.Task> tasks = with(0, big);
        DagPipelineRequest request = new DagPipelineRequest(null, "daily_revenue_pipeline", null, tasks, POSTGRES,
                "db", KAFKA, 33, 10081, null);

        assertThat(violations(request)).extracting(FieldViolation::field).containsExactly("max_active_runs",
                "sla_minutes", "tasks[0].query", "tasks[0].retries", "tasks[0].retry_backoff_seconds",
                "tasks[0].timeout_seconds");
    }

    @Test
    void capsTasksChecksAndMessages() {
        List<DagPipelineRequest.Task> many = new ArrayList<>();
        for (int i = 0; i <= 200; i++) {
            many.add(sql("t" + i, "SELECT 1", "s.t" + i));
        }
        assertThat(violations(request(many))).containsExactly(new FieldViolation("tasks",
                "may list at most 200 tasks"));

        List<String> checks = new ArrayList<>();
        for (int i = 0; i <= 50; i++) {
            checks.add("row_count > " + i);
        }
        assertThat(violations(request(with(2, quality("quality_check", checks, "transform_revenue")))))
                .containsExactly(new FieldViolation("tasks[2].checks", "may list at most 50 checks"));
        assertThat(violations(request(with(3, notify("notify", "slack", "x".repeat(4097), "quality_check")))))
                .containsExactly(new FieldViolation("tasks[3].message", "must be at most 4096 bytes"));
    }

    @Test
    void aLongChainHasNoCycleAndDoesNotExhaustTheStack() {
        List<DagPipelineRequest.Task> chain = new ArrayList<>();
        chain.add(sql("t0", "SELECT 1", "s.t0"));
        for (int i = 1; i < 200; i++) {
            chain.add(sql("t" + i, "SELECT 1", "s.t" + i, "t" + (i - 1)));
        }
        assertThat(request(chain).toDefinition().tasks()).hasSize(200);
    }

    @Test
    void onFailureNeedsAChannelMessageAndAKafkaService() {
        DagPipelineRequest request = new DagPipelineRequest(null, "p", null, List.of(sql("a", "SELECT 1", "s.a")),
                POSTGRES, "db", null, null, null, new DagPipelineRequest.OnFailure(null, "failed ${nope}"));

        assertThat(violations(request)).containsExactly(
                new FieldViolation("on_failure.channel", "is required"),
                new FieldViolation("on_failure.message", "uses unknown placeholder(s) ${nope}; only "
                        + "${execution_date}, ${run_id} and ${pipeline_name} are replaced"),
                new FieldViolation("kafka_service_id", "is required when on_failure sends a notification"));
    }

    @Test
    void theOrganizationDefaultsToTheCallers() {
        UUID callers = UUID.randomUUID();
        UUID named = UUID.randomUUID();

        assertThat(request(referenceTasks()).organizationOr(callers)).isEqualTo(callers);
        assertThat(new DagPipelineRequest(named.toString(), "p", null, referenceTasks(), POSTGRES, "db", KAFKA, null,
                null, null).organizationOr(callers)).isEqualTo(named);
    }

    @Test
    void invalidRequestCarriesEveryViolation() {
        assertThatThrownBy(() -> new DagPipelineRequest(null, "P", "x", List.of(), POSTGRES, "db", null, null, null,
                null).toDefinition()).isInstanceOf(InvalidRequest.class)
                .satisfies(e -> assertThat(((InvalidRequest) e).violations()).hasSize(3));
    }
}
