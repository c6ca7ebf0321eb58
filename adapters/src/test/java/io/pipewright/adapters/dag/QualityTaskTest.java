package io.pipewright.adapters.dag;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.adapters.support.InMemoryVault;
import io.pipewright.adapters.support.LocalEndpoints;
import io.pipewright.kernel.dag.CheckResult;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import io.pipewright.sagas.dag.DagTaskRunner;
import io.pipewright.sagas.dag.DagTaskRunner.Failed;
import io.pipewright.sagas.dag.DagTaskRunner.Outcome;
import io.pipewright.sagas.dag.DagTaskRunner.Succeeded;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Quality tasks on the real PostgreSQL 17 of the local stack: every check evaluated against the upstream output, the
 * rows that break each counted (NULL counts as breaking), refused checks failing the task without a query. Each test
 * has its own database.
 */
class QualityTaskTest {

    private static final InMemoryVault VAULT = new InMemoryVault();

    private static LocalStack stack;
    private static DagTaskRunner runner;

    @BeforeAll
    static void startSource() {
        stack = LocalStack.builder().workDirectory(Path.of("target", "dag-quality-stack"))
                .withControlPlaneDatabase(false).withKafka(false).withConnect(false).start();
        SourceAdmin admin = new SourceAdmin(VAULT, LocalEndpoints.POLICY, ExternalCallLimits.defaults());
        runner = new DagTasks(new SqlTask(admin), new QualityTask(admin), new NotificationTask(VAULT,
                LocalEndpoints.POLICY, ExternalCallLimits.defaults(), "pipewright.notifications"));
    }

    @AfterAll
    static void stopSource() {
        stack.close();
    }

    @Test
    void checksThatHoldSucceedWithTheirResults() {
        String database = revenueDatabase("quality_pass", "('eu', 30), ('us', 5), ('asia', 0)");

        Outcome outcome = check(database, List.of("row_count > 0", "revenue >= 0",
                "region IN ('eu', 'us', 'asia') AND revenue BETWEEN 0 AND 100", "row_count = 3"));

        assertThat(outcome).isEqualTo(new Succeeded(null, List.of(
                new CheckResult("row_count > 0", true, 0, 3L),
                new CheckResult("revenue >= 0", true, 0, null),
                new CheckResult("region IN ('eu', 'us', 'asia') AND revenue BETWEEN 0 AND 100", true, 0, null),
                new CheckResult("row_count = 3", true, 0, 3L))));
    }

    @Test
    void everyCheckIsEvaluatedAndTheFailedOnesAreNamedWithTheRowsThatBreakThem() {
        String database = revenueDatabase("quality_fail",
                "('eu', 30), ('us', -5), ('asia', -1), (NULL, -2), ('latam', NULL)");

        Outcome outcome = check(database, List.of("revenue >= 0", "row_count > 0", "region IS NOT NULL",
                "row_count < 2"));

        assertThat(outcome).isEqualTo(new Failed("quality check failed: revenue >= 0 (4 rows violate it);"
                + " region IS NOT NULL (1 row violates it); row_count < 2 (row_count is 5)", false, List.of(
                new CheckResult("revenue >= 0", false, 4, null),
                new CheckResult("row_count > 0", true, 0, 5L),
                new CheckResult("region IS NOT NULL", false, 1, null),
                new CheckResult("row_count < 2", false, 0, 5L))));
    }

    @Test
    void anEmptyTableFailsRowCountAboveZero() {
        String database = revenueDatabase("quality_empty", null);

        Outcome outcome = check(database, List.of("row_count > 0", "revenue >= 0"));

        assertThat(outcome).isEqualTo(new Failed("quality check failed: row_count > 0 (row_count is 0)", false,
                List.of(new CheckResult("row_count > 0", false, 0, 0L), new CheckResult("revenue >= 0", true, 0,
                        null))));
    }

    @Test
    void aCheckWithAFunctionCallOrASubqueryIsRefusedBeforeAnyQuery() {
        String database = revenueDatabase("quality_refused", "('eu', 30)");

        Outcome function = check(database, List.of("row_count > 0", "length(pg_read_file('/etc/passwd')) > 0"));
        Outcome subquery = check(database, List.of("revenue > (SELECT count(*) FROM pg_authid)"));

        assertThat(function).isEqualTo(new Failed("quality check refused: length(pg_read_file('/etc/passwd')) > 0:"
                + " it contains a function call (length(pg_read_file('/etc/passwd'))); a check may use only columns,"
                + " literals, comparisons, AND/OR/NOT, IS [NOT] NULL, BETWEEN and IN (a list)", false, List.of()));
        assertThat(subquery).isInstanceOf(Failed.class);
        assertThat(((Failed) subquery).error()).startsWith("quality check refused: revenue > (SELECT count(*) FROM"
                + " pg_authid): it contains a subquery");
        assertThat(((Failed) subquery).retryable()).isFalse();
    }

    @Test
    void aCheckOnAColumnTheTableDoesNotHaveIsNotRetryable() {
        String database = revenueDatabase("quality_no_column", "('eu', 30)");

        Outcome outcome = check(database, List.of("row_count > 0", "profit >= 0"));

        assertThat(outcome).isInstanceOf(Failed.class);
        assertThat(((Failed) outcome).retryable()).isFalse();
        assertThat(((Failed) outcome).error()).contains("column \"profit\" does not exist");
        assertThat(((Failed) outcome).checks()).containsExactly(new CheckResult("row_count > 0", true, 0, 1L));
    }

    @Test
    void theChecksReadTheFirstUpstreamOutput() {
        String database = revenueDatabase("quality_first_upstream", "('eu', 30)");
        stack.source().execute(database, "CREATE TABLE analytics.other AS SELECT -1 AS revenue");

        Outcome outcome = runner.run(Attempts.onPostgres(Attempts.quality("quality_check", List.of("revenue >= 0")),
                "daily_revenue", stack.source(), VAULT, database, List.of("analytics.revenue_by_region",
                        "analytics.other")));

        assertThat(outcome).isEqualTo(new Succeeded(null, List.of(new CheckResult("revenue >= 0", true, 0, null))));
    }

    private static Outcome check(String database, List<String> checks) {
        return runner.run(Attempts.onPostgres(Attempts.quality("quality_check", checks), "daily_revenue",
                stack.source(), VAULT, database, List.of("analytics.revenue_by_region")));
    }

    /** A database of its own with analytics.revenue_by_region holding {@code values} (none when null). */
    private static String revenueDatabase(String database, String values) {
        PostgresServer source = stack.source();
        source.createDatabase(database);
        source.execute(database, "CREATE SCHEMA analytics;"
                + " CREATE TABLE analytics.revenue_by_region (region text, revenue numeric)");
        if (values != null) {
            source.execute(database, "INSERT INTO analytics.revenue_by_region VALUES " + values);
        }
        return database;
    }
}
