package io.pipewright.adapters.dag;

import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.kernel.dag.CheckResult;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.sagas.dag.DagTaskRunner.Failed;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * How a failed statement of a SQL or quality task ends the attempt. Not retryable: what only a change of the query,
 * the source's schema or its grants can fix, SQLSTATE classes 42 (syntax error, undefined table or column, permission
 * denied), 28 (login refused) and 3F (no such schema). Everything else may pass next time and is retryable: the
 * connection, a statement cancelled at the task's timeout, a serialization failure, a deadlock, a lock not granted.
 * The text is PostgreSQL's own message (or {@link SourceAdmin#describe}'s words for the connection), never a
 * connection string or a password.
 */
final class SqlFailures {

    private static final Set<String> FINAL_CLASSES = Set.of("42", "28", "3F");
    private static final String QUERY_CANCELED = "57014";

    private SqlFailures() {
    }

    static boolean retryable(SQLException failure) {
        String state = failure.getSQLState();
        return state == null || state.length() < 2 || !FINAL_CLASSES.contains(state.substring(0, 2));
    }

    /** {@code what}: the statement's part in the task, e.g. "the query of task transform_revenue". */
    static Failed failed(SQLException failure, String what, Duration timeout, SourceAdmin admin,
                         PostgresEndpoint endpoint, PostgresNode node, String database, List<CheckResult> checks) {
        String why = QUERY_CANCELED.equals(failure.getSQLState())
                ? "it ran past the task's timeout of " + ExternalCallLimits.inWords(timeout)
                : admin.describe(failure, endpoint, node, database);
        return new Failed(what + " failed: " + why, retryable(failure), checks);
    }
}
