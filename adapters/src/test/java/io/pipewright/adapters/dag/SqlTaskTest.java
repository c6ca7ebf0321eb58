package io.pipewright.adapters.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.adapters.support.InMemoryVault;
import io.pipewright.adapters.support.LocalEndpoints;
import io.pipewright.kernel.dag.DagTask;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import io.pipewright.sagas.dag.DagTaskRunner;
import io.pipewright.sagas.dag.DagTaskRunner.Attempt;
import io.pipewright.sagas.dag.DagTaskRunner.Failed;
import io.pipewright.sagas.dag.DagTaskRunner.Outcome;
import io.pipewright.sagas.dag.DagTaskRunner.Succeeded;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * SQL tasks on the real PostgreSQL 17 of the local stack: the output written, replaced atomically on every run (the
 * old table intact when a query fails, is cancelled or its session dies), a leftover staging table ignored, the run's
 * placeholders substituted, and failures classified. Each test has its own database.
 */
class SqlTaskTest {

    private static final InMemoryVault VAULT = new InMemoryVault();
    private static final String REVENUE = "SELECT region, sum(amount) AS revenue FROM raw.orders"
            + " WHERE day = '${execution_date}' GROUP BY region ORDER BY region";

    private static LocalStack stack;
    private static DagTaskRunner runner;

    @BeforeAll
    static void startSource() {
        stack = LocalStack.builder().workDirectory(Path.of("target", "dag-sql-stack"))
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
    void theOutputHoldsTheQuerysRowsAndARunAgainReplacesItWithTheSameTable() {
        String database = ordersDatabase("sql_writes");
        Attempt attempt = attempt(Attempts.sql("transform_revenue", REVENUE, "analytics.revenue_by_region", 30),
                database);

        Outcome first = runner.run(attempt);
        assertThat(first).isEqualTo(new Succeeded(2L, List.of()));
        List<String> written = rows(database, "SELECT region || '=' || revenue FROM analytics.revenue_by_region"
                + " ORDER BY region");
        assertThat(written).containsExactly("eu=30.00", "us=5.00");
        long firstOid = oid(database, "analytics.revenue_by_region");

        Outcome second = runner.run(attempt);
        assertThat(second).isEqualTo(new Succeeded(2L, List.of()));
        assertThat(rows(database, "SELECT region || '=' || revenue FROM analytics.revenue_by_region"
                + " ORDER BY region")).isEqualTo(written);
        assertThat(oid(database, "analytics.revenue_by_region")).isNotEqualTo(firstOid);
        assertThat(rows(database, "SELECT tablename FROM pg_tables WHERE schemaname = 'analytics'"))
                .containsExactly("revenue_by_region");
    }

    @Test
    void theRunsValuesReplaceThePlaceholders() {
        String database = ordersDatabase("sql_placeholders");
        Attempt attempt = attempt(Attempts.sql("stamp", "SELECT DATE '${execution_date}' AS day,"
                + " '${run_id}'::uuid AS run_id, '${pipeline_name}' AS pipeline;", "staging.stamp", 30), database);

        assertThat(runner.run(attempt)).isEqualTo(new Succeeded(1L, List.of()));
        assertThat(rows(database, "SELECT day || ' ' || run_id || ' ' || pipeline FROM staging.stamp"))
                .containsExactly(Attempts.EXECUTION_DATE + " " + attempt.runId() + " daily_revenue");
    }

    @Test
    void aValueWithAQuoteIsRefusedBeforeAnythingRuns() {
        String database = ordersDatabase("sql_unsafe_value");
        Attempt safe = attempt(Attempts.sql("named", "SELECT '${pipeline_name}' AS name", "staging.named", 30),
                database);
        Attempt unsafe = new Attempt(safe.pipelineId(), "x'; DROP TABLE raw.orders; --", safe.runId(),
                safe.executionDate(), safe.task(), 1, List.of(), safe.postgres(), database, null, "running",
                safe.timeout());

        Outcome outcome = runner.run(unsafe);

        assertThat(outcome).isInstanceOf(Failed.class);
        assertThat(((Failed) outcome).retryable()).isFalse();
        assertThat(((Failed) outcome).error()).isEqualTo("task named: the run's pipeline_name holds a quote or a"
                + " backslash, which a query does not take");
        assertThat(rows(database, "SELECT count(*) FROM raw.orders")).containsExactly("4");
        assertThat(rows(database, "SELECT count(*) FROM pg_tables WHERE schemaname = 'staging'"))
                .containsExactly("0");
    }

    @Test
    void aQueryThatFailsLeavesTheOldTableAsItWas() {
        String database = ordersDatabase("sql_failing");
        String output = "analytics.revenue_by_region";
        assertThat(runner.run(attempt(Attempts.sql("t", REVENUE, output, 30), database)))
                .isInstanceOf(Succeeded.class);

        Outcome failed = runner.run(attempt(Attempts.sql("t", "SELECT region, 1 / (amount - amount) AS revenue"
                + " FROM raw.orders", output, 30), database));

        assertThat(failed).isInstanceOf(Failed.class);
        assertThat(((Failed) failed).error()).contains("division by zero");
        assertThat(((Failed) failed).retryable()).isTrue();
        assertThat(rows(database, "SELECT region || '=' || revenue FROM analytics.revenue_by_region"
                + " ORDER BY region")).containsExactly("eu=30.00", "us=5.00");
        assertThat(rows(database, "SELECT tablename FROM pg_tables WHERE schemaname = 'analytics'"))
                .containsExactly("revenue_by_region");
    }

    @Test
    void aSessionKilledDuringTheQueryLeavesTheOldTableAndTheNextAttemptWritesTheNewOne() throws Exception {
        String database = ordersDatabase("sql_killed");
        String output = "analytics.killed";
        assertThat(runner.run(attempt(Attempts.sql("t", "SELECT 'old' AS version", output, 30), database)))
                .isInstanceOf(Succeeded.class);
        Attempt slow = attempt(Attempts.sql("t", "SELECT 'new' AS version FROM pg_sleep(3)", output, 30), database);

        CompletableFuture<Outcome> running = CompletableFuture.supplyAsync(() -> runner.run(slow));
        terminateWhenRunning(database, "%pg_sleep(3)%");
        Outcome killed = running.get(30, TimeUnit.SECONDS);

        assertThat(killed).isInstanceOf(Failed.class);
        assertThat(((Failed) killed).retryable()).isTrue();
        assertThat(rows(database, "SELECT version FROM analytics.killed")).containsExactly("old");
        assertThat(rows(database, "SELECT tablename FROM pg_tables WHERE schemaname = 'analytics'"))
                .containsExactly("killed");

        assertThat(runner.run(slow)).isEqualTo(new Succeeded(1L, List.of()));
        assertThat(rows(database, "SELECT version FROM analytics.killed")).containsExactly("new");
    }

    @Test
    void aLeftoverStagingTableDoesNotStopTheNextAttempt() {
        String database = ordersDatabase("sql_leftover");
        String output = "analytics.revenue_by_region";
        OutputTable staging = OutputTable.of(output).staging();
        stack.source().execute(database, "CREATE SCHEMA analytics; CREATE TABLE " + staging.quoted()
                + " AS SELECT 'junk' AS region, 0 AS revenue");

        Outcome outcome = runner.run(attempt(Attempts.sql("t", REVENUE, output, 30), database));

        assertThat(outcome).isEqualTo(new Succeeded(2L, List.of()));
        assertThat(rows(database, "SELECT region FROM analytics.revenue_by_region ORDER BY region"))
                .containsExactly("eu", "us");
        assertThat(rows(database, "SELECT tablename FROM pg_tables WHERE schemaname = 'analytics'"))
                .containsExactly("revenue_by_region");
    }

    @Test
    void aStagingNameStaysWithinPostgresqlsLimitAndDiffersPerOutput() {
        String longName = "analytics." + "t".repeat(63);
        OutputTable one = OutputTable.of(longName).staging();
        OutputTable other = OutputTable.of(longName.substring(0, longName.length() - 1) + "u").staging();

        assertThat(one.table()).hasSizeLessThanOrEqualTo(63).startsWith("ttt").contains("__pw_staging_");
        assertThat(one.table()).isNotEqualTo(other.table());
        assertThat(one.schema()).isEqualTo("analytics");
    }

    @Test
    void aSyntaxErrorIsNotRetryableAndSaysWhatPostgresqlSaid() {
        String database = ordersDatabase("sql_syntax");
        PostgresServer source = stack.source();

        Outcome outcome = runner.run(attempt(Attempts.sql("broken", "SELEC region FROM raw.orders", "staging.x", 30),
                database));

        assertThat(outcome).isEqualTo(new Failed("task broken (writing staging.x) failed: PostgreSQL at "
                + source.host() + ":" + source.port() + ": syntax error at or near \"SELEC\"", false, List.of()));
        assertThat(((Failed) outcome).error()).doesNotContain(source.superuserPassword());
    }

    @Test
    void anUndefinedTableIsNotRetryable() {
        String database = ordersDatabase("sql_undefined");

        Outcome outcome = runner.run(attempt(Attempts.sql("t", "SELECT * FROM raw.no_such_table", "staging.x", 30),
                database));

        assertThat(outcome).isInstanceOf(Failed.class);
        assertThat(((Failed) outcome).retryable()).isFalse();
        assertThat(((Failed) outcome).error()).contains("relation \"raw.no_such_table\" does not exist");
    }

    /** {@code SELECT pg_sleep(5)} alone cannot become a table (a void column): the sleep is its FROM. */
    @Test
    void aQueryPastTheTasksTimeoutIsCancelledAndRetryable() {
        String database = ordersDatabase("sql_timeout");
        String output = "staging.slow";
        assertThat(runner.run(attempt(Attempts.sql("slow", "SELECT 1 AS old", output, 30), database)))
                .isInstanceOf(Succeeded.class);
        long startedAt = System.nanoTime();

        Outcome outcome = runner.run(attempt(Attempts.sql("slow", "SELECT 1 AS done FROM pg_sleep(5)", output, 1), database));

        assertThat(System.nanoTime() - startedAt).isLessThan(TimeUnit.SECONDS.toNanos(4));
        assertThat(outcome).isEqualTo(new Failed("task slow (writing staging.slow) failed: it ran past the task's"
                + " timeout of 1 s", true, List.of()));
        assertThat(rows(database, "SELECT old FROM staging.slow")).containsExactly("1");
    }

    private static Attempt attempt(DagTask task, String database) {
        return Attempts.onPostgres(task, "daily_revenue", stack.source(), VAULT, database, List.of());
    }

    /** A database of its own with raw.orders: eu 10 + 20 and us 5 on the execution date, one row another day. */
    private static String ordersDatabase(String database) {
        PostgresServer source = stack.source();
        source.createDatabase(database);
        source.execute(database, """
                CREATE SCHEMA raw;
                CREATE TABLE raw.orders (id int PRIMARY KEY, region text, amount numeric(10,2), day date);
                INSERT INTO raw.orders VALUES (1, 'eu', 10, '2024-05-01'), (2, 'eu', 20, '2024-05-01'),
                                              (3, 'us', 5, '2024-05-01'), (4, 'us', 7, '2024-04-30')""");
        return database;
    }

    private static List<String> rows(String database, String sql) {
        try (Connection connection = stack.source().connect(database);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rows.next()) {
                values.add(rows.getString(1));
            }
            return values;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long oid(String database, String table) {
        return Long.parseLong(rows(database, "SELECT '" + table + "'::regclass::oid").get(0));
    }

    /** Ends the control plane's session once it runs a statement like {@code pattern}, as a crash would. */
    private static void terminateWhenRunning(String database, String pattern) {
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(50)).until(() -> !rows(database,
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pipewright'"
                        + " AND datname = '" + database + "' AND query LIKE '" + pattern + "'").isEmpty());
    }
}
