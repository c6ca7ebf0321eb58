package io.pipewright.adapters.postgres;

import io.pipewright.adapters.limits.ExternalCallLimits;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.sql.SQLException;
import javax.net.ssl.SSLException;
import org.postgresql.util.GT;
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
    private static final String CONNECTION_REJECTED = "08004";

    private PostgresFailures() {
    }

    /** True when the server refused the login itself (wrong password, no pg_hba.conf line): retrying cannot help. */
    public static boolean loginRefused(SQLException failure) {
        return INVALID_PASSWORD.equals(failure.getSQLState()) || INVALID_AUTHORIZATION.equals(failure.getSQLState());
    }

    /**
     * True when TLS stopped the connection as the service's {@code ssl_mode} asks: its certificate is not trusted,
     * or it serves no TLS. Retrying cannot help until the registration or the server changes.
     */
    public static boolean tlsRefused(SQLException failure) {
        return cause(failure, ServiceCaTrust.Untrusted.class) != null || serverWithoutTls(failure);
    }

    /** What only the tenant can change: retrying cannot help (see {@link #loginRefused} and {@link #tlsRefused}). */
    public static boolean retryCannotHelp(SQLException failure) {
        return loginRefused(failure) || tlsRefused(failure) || SourceAdmin.UNKNOWN_DATABASE.equals(failure.getSQLState());
    }

    /**
     * E.g. "could not connect to 10.0.0.5:5432 within 5 s", "PostgreSQL at 10.0.0.5:5432 refused the admin user
     * admin (wrong password, or no pg_hba.conf line admits it)", "10.0.0.5:5432 is not a PostgreSQL server", "the TLS
     * certificate of PostgreSQL at 10.0.0.5:5432 could not be verified: it is not issued by the service's
     * ca_certificate".
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
        ServiceCaTrust.Untrusted untrusted = cause(failure, ServiceCaTrust.Untrusted.class);
        if (untrusted != null) {
            return untrustedCertificate(untrusted, host, where);
        }
        if (serverWithoutTls(failure)) {
            return "PostgreSQL at " + where + " does not accept TLS connections, which the service's ssl_mode "
                    + "requires (turn ssl on in the server, or register the service with ssl_mode disable)";
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
        if (cause(failure, SSLException.class) != null) {
            return "the TLS handshake with PostgreSQL at " + where + " failed";
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

    /** Which check the server's certificate failed, in words that name the fix. */
    private static String untrustedCertificate(ServiceCaTrust.Untrusted untrusted, String host, String where) {
        if (untrusted.hostNameMismatch()) {
            return "the TLS certificate of PostgreSQL at " + where + " could not be verified: it does not name "
                    + host + " (ssl_mode verify-full checks the host name against the certificate's subject "
                    + "alternative names; verify-ca does not)";
        }
        if (cause(untrusted, CertificateExpiredException.class) != null
                || cause(untrusted, CertificateNotYetValidException.class) != null) {
            return "the TLS certificate of PostgreSQL at " + where + " could not be verified: it, or a certificate "
                    + "of its chain, is outside its validity period";
        }
        return "the TLS certificate of PostgreSQL at " + where + " could not be verified: it is not issued by the "
                + "service's ca_certificate";
    }

    /**
     * pgjdbc's refusal of a server that answers the TLS request with no. Its only mark is the message, translated
     * by pgjdbc in the JVM's language: compared with pgjdbc's own translation.
     */
    private static boolean serverWithoutTls(SQLException failure) {
        return failure instanceof PSQLException && CONNECTION_REJECTED.equals(failure.getSQLState())
                && GT.tr("The server does not support SSL.").equals(failure.getMessage());
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
