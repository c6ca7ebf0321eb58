package io.pipewright.adapters.dag;

import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.kernel.dag.DagTask;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.sagas.dag.DagTaskRunner.Attempt;
import io.pipewright.sagas.dag.DagTaskRunner.Failed;
import io.pipewright.sagas.dag.DagTaskRunner.Outcome;
import io.pipewright.sagas.dag.DagTaskRunner.Succeeded;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * A {@code sql} task: its query, placeholders replaced ({@link Placeholders}), becomes the task's {@code output} table
 * on the pipeline's PostgreSQL service and database, replacing the table an earlier run wrote. All of it is one
 * transaction, which PostgreSQL's transactional DDL makes atomic: the schema created if missing, a leftover staging
 * table dropped, {@code CREATE TABLE <staging> AS <query>}, the old output dropped, the staging table renamed to it,
 * commit. A crash at any line leaves the old table or the new one, never a half-written or doubled one, and the next
 * attempt does the same again. Readers see the old table until the commit. The new table is the query's result alone:
 * indexes and grants of the old one are not carried over. Each statement is bounded by the task's timeout
 * ({@code SET LOCAL statement_timeout}), the rest of the session by {@code pipewright.external.*}.
 * <p>
 * The query is the tenant's own SQL on the tenant's own database, run as the registered admin user; trailing
 * semicolons are dropped so that it ends where {@code CREATE TABLE .. AS} expects, and JDBC escape processing is off
 * so it reaches PostgreSQL as written.
 */
@Component
class SqlTask {

    private static final Pattern TRAILING_SEMICOLONS = Pattern.compile("[\\s;]+$");

    private final SourceAdmin admin;

    SqlTask(SourceAdmin admin) {
        this.admin = admin;
    }

    Outcome run(Attempt attempt) {
        DagTask task = attempt.task();
        if (attempt.postgres() == null || attempt.postgres().postgres() == null) {
            return new Failed("task " + task.id() + " writes to PostgreSQL, but the pipeline names no PostgreSQL "
                    + "service", false, List.of());
        }
        String query;
        OutputTable output;
        try {
            query = TRAILING_SEMICOLONS.matcher(Placeholders.inQuery(task.query(), attempt)).replaceFirst("");
            output = OutputTable.of(task.output());
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
        try (Connection connection = admin.connect(endpoint, primary, attempt.database(), attempt.timeout())) {
            connection.setAutoCommit(false);
            long rows = replace(connection, query, output, attempt);
            connection.commit();
            return new Succeeded(rows, List.of());
        } catch (SQLException e) {
            return SqlFailures.failed(e, "task " + task.id() + " (writing " + output + ")", attempt.timeout(), admin,
                    endpoint, primary, attempt.database(), List.of());
        }
    }

    /** The statements of the one transaction; the caller commits. Returns the rows of the new table. */
    private static long replace(Connection connection, String query, OutputTable output, Attempt attempt)
            throws SQLException {
        OutputTable staging = output.staging();
        try (Statement statement = connection.createStatement()) {
            statement.setEscapeProcessing(false);
            statement.execute("SET LOCAL statement_timeout = " + attempt.timeout().toMillis());
            statement.execute("CREATE SCHEMA IF NOT EXISTS " + output.quotedSchema());
            statement.execute("DROP TABLE IF EXISTS " + staging.quoted());
            long rows = statement.executeLargeUpdate("CREATE TABLE " + staging.quoted() + " AS " + query);
            statement.execute("DROP TABLE IF EXISTS " + output.quoted());
            statement.execute("ALTER TABLE " + staging.quoted() + " RENAME TO " + output.quotedTable());
            return rows;
        }
    }
}
