package io.pipewright.adapters.postgres;

import io.pipewright.adapters.limits.ExternalCallLimits;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import org.postgresql.util.PSQLException;

/**
 * What went wrong with a call to a source's PostgreSQL, in words its tenant can act on. Never the exception's own
 * text: a socket error's toString would tell a tenant what listens on any address the control plane reaches.
 */
public final class PostgresFailures {

    private static final String INVALID_PASSWORD = "28P01";
    private static final String INVALID_AUTHORIZATION = "28000";
    private static final String PROTOCOL_VIOLATION = "08P01";
    private static final String QUERY_CANCELED = "57014";
    private static final String LOCK_NOT_AVAILABLE = "55P03";

    private PostgresFailures() {
    }

    /** True when the server refused the login itself (wrong password, no pg_hba.conf line): retrying cannot help. */
    public static boolean loginRefused(SQLException failure) {
        return INVALID_PASSWORD.equals(failure.getSQLState()) || INVALID_AUTHORIZATION.equals(failure.getSQLState());
    }

    /**
     * E.g. "could not connect to 10.0.0.5:5432 within 5 s", "PostgreSQL at 10.0.0.5:5432 refused the admin user
     * admin (wrong password, or no pg_hba.conf line admits it)", "10.0.0.5:5432 is not a PostgreSQL server".
     */
    public static String describe(SQLException failure, String host, int port, String user, String database,
                                  ExternalCallLimits limits) {
        String where = host + ":" + port;
        String state = failure.getSQLState();
        if (loginRefused(failure)) {
            return "PostgreSQL at " + where + " refused the admin user " + user
                    + " (wrong password, or no pg_hba.conf line admits it)";
        }
        if (SourceAdmin.UNKNOWN_DATABASE.equals(state)) {
            return "PostgreSQL at " + where + " has no database \"" + database + "\"";
        }
        AnswerBoundSocketFactory.AnswerOverdue overdue = cause(failure, AnswerBoundSocketFactory.AnswerOverdue.class);
        if (overdue != null) {
            return overdue.duringLogin()
                    ? where + " accepted the connection but did not complete a PostgreSQL login within "
                            + ExternalCallLimits.inWords(limits.postgresLoginTimeout())
                    : "PostgreSQL at " + where + " did not answer within "
                            + ExternalCallLimits.inWords(limits.postgresReadTimeout());
        }
        if (cause(failure, ConnectException.class) != null) {
            return "could not connect to " + where + ": connection refused";
        }
        if (cause(failure, NoRouteToHostException.class) != null) {
            return "could not connect to " + where + ": no route to host";
        }
        if (cause(failure, UnknownHostException.class) != null) {
            return "could not connect to " + where + ": unknown host";
        }
        if (cause(failure, SocketTimeoutException.class) != null) {
            return "could not connect to " + where + " within " + ExternalCallLimits.inWords(limits.connectTimeout());
        }
        if (PROTOCOL_VIOLATION.equals(state)) {
            return where + " is not a PostgreSQL server";
        }
        if (cause(failure, EOFException.class) != null) {
            return where + " closed the connection without answering as a PostgreSQL server";
        }
        if (QUERY_CANCELED.equals(state)) {
            return "PostgreSQL at " + where + " canceled a statement that ran past the statement timeout of "
                    + ExternalCallLimits.inWords(limits.postgresStatementTimeout());
        }
        if (LOCK_NOT_AVAILABLE.equals(state)) {
            return "PostgreSQL at " + where + " did not grant a lock within the lock timeout of "
                    + ExternalCallLimits.inWords(limits.postgresLockTimeout())
                    + " (a transaction of the application holds it; the step tries again later)";
        }
        if (failure instanceof PSQLException server && server.getServerErrorMessage() != null
                && server.getServerErrorMessage().getMessage() != null) {
            return "PostgreSQL at " + where + ": " + server.getServerErrorMessage().getMessage();
        }
        return "PostgreSQL at " + where + " failed (SQLSTATE " + state + ")";
    }

    private static <T extends Throwable> T cause(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
            if (cause.getCause() == cause) {
                return null;
            }
        }
        return null;
    }
}
