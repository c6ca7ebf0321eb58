package io.pipewright.adapters.dag;

import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.kernel.dag.CheckResult;
import io.pipewright.kernel.dag.DagTask;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.sagas.dag.DagTaskRunner.Attempt;
import io.pipewright.sagas.dag.DagTaskRunner.Failed;
import io.pipewright.sagas.dag.DagTaskRunner.Outcome;
import io.pipewright.sagas.dag.DagTaskRunner.Succeeded;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * A {@code quality} task: its checks ({@link QualityCheck}) run against the output table of its first dependency
 * ({@code upstreamOutputs.get(0)}; a quality task that depends on several SQL tasks checks the first one named in its
 * {@code depends_on}). A {@code row_count} check compares the table's count; a column predicate counts the rows that
 * break it ({@code NOT (P) OR (P) IS NULL}: a row where it is unknown breaks it too) and holds when there are none.
 * Every check is parsed before anything is asked, and one that is refused fails the task without a query. All checks
 * run, in one read-only transaction whose statements share the task's timeout. The attempt succeeds when every check
 * holds; otherwise it fails for good, naming each check that did not hold and how, since running it again reads the
 * same table.
 */
@Component
class QualityTask {

    private final SourceAdmin admin;

    QualityTask(SourceAdmin admin) {
        this.admin = admin;
    }

    Outcome run(Attempt attempt) {
        DagTask task = attempt.task();
        if (attempt.postgres() == null || attempt.postgres().postgres() == null) {
            return new Failed("task " + task.id() + " checks a PostgreSQL table, but the pipeline names no PostgreSQL "
                    + "service", false, List.of());
        }
        if (attempt.upstreamOutputs().isEmpty()) {
            return new Failed("task " + task.id() + " has no upstream sql task whose output it could check", false,
                    List.of());
        }
        List<QualityCheck> checks = new ArrayList<>();
        for (String check : task.checks()) {
            try {
                checks.add(QualityCheck.parse(check));
            } catch (QualityCheck.Refused e) {
                return new Failed("quality check refused: " + check + ": " + e.getMessage(), false, List.of());
            }
        }
        OutputTable table;
        try {
            table = OutputTable.of(attempt.upstreamOutputs().get(0));
        } catch (IllegalArgumentException e) {
            return new Failed("task " + task.id() + ": " + e.getMessage(), false, List.of());
        }
        PostgresEndpoint endpoint = attempt.postgres().postgres();
        PostgresNode primary;
        try {
            primary = admin.primary(endpoint);
        } catch (SourceAdmin.NoPrimaryNow e) {
            return new Failed("task " + task.id() + ": " + e.getMessage(), !e.retryCannotHelp(), List.of());
        }
        List<CheckResult> results = new ArrayList<>();
        long dueAt = System.nanoTime() + attempt.timeout().toNanos();
        try (Connection connection = admin.connect(endpoint, primary, attempt.database(), attempt.timeout())) {
            connection.setAutoCommit(false);
            // Never committed: the transaction ends when the connection closes.
            try (Statement statement = connection.createStatement()) {
                statement.setEscapeProcessing(false);
                statement.execute("SET TRANSACTION READ ONLY");
                statement.execute("SET LOCAL standard_conforming_strings = on");
                for (QualityCheck check : checks) {
                    long left = Duration.ofNanos(dueAt - System.nanoTime()).toMillis();
                    if (left <= 0) {
                        return new Failed("task " + task.id() + " did not finish its checks within its timeout of "
                                + ExternalCallLimits.inWords(attempt.timeout()), true, results);
                    }
                    statement.execute("SET LOCAL statement_timeout = " + left);
                    results.add(evaluate(statement, check, table));
                }
            }
        } catch (SQLException e) {
            return SqlFailures.failed(e, "task " + task.id() + " (checking " + table + ")", attempt.timeout(), admin,
                    endpoint, primary, attempt.database(), results);
        }
        List<String> broken = results.stream().filter(result -> !result.passed()).map(QualityTask::broken).toList();
        return broken.isEmpty() ? new Succeeded(null, results)
                : new Failed("quality check failed: " + String.join("; ", broken), false, results);
    }

    private static CheckResult evaluate(Statement statement, QualityCheck check, OutputTable table)
            throws SQLException {
        if (check instanceof QualityCheck.RowCount rowCount) {
            long rows = count(statement, "SELECT count(*) FROM " + table.quoted());
            return new CheckResult(check.check(), rowCount.holds(rows), 0, rows);
        }
        String predicate = ((QualityCheck.Predicate) check).sql();
        long violating = count(statement, "SELECT count(*) FROM " + table.quoted() + " WHERE NOT (" + predicate
                + ") OR (" + predicate + ") IS NULL");
        return new CheckResult(check.check(), violating == 0, violating, null);
    }

    private static long count(Statement statement, String sql) throws SQLException {
        try (ResultSet count = statement.executeQuery(sql)) {
            count.next();
            return count.getLong(1);
        }
    }

    /** "revenue >= 0 (3 rows violate it)", "row_count > 0 (row_count is 0)". */
    private static String broken(CheckResult result) {
        if (result.value() != null) {
            return result.check() + " (row_count is " + result.value() + ")";
        }
        return result.check() + " (" + result.violatingRows() + (result.violatingRows() == 1 ? " row violates it)"
                : " rows violate it)");
    }
}
