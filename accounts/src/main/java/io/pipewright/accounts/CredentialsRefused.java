package io.pipewright.accounts;

import java.time.Duration;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.AuthenticationException;

/**
 * Why presented credentials were refused, with the answer it gets: a wrong user name or password, an invalid, expired
 * or revoked token (401 saying which), or too many failures (429 with Retry-After). Never names a secret.
 */
final class CredentialsRefused extends AuthenticationException {

    private final HttpStatus status;
    private final String title;
    private final Duration retryAfter;

    private CredentialsRefused(HttpStatus status, String title, String detail, Duration retryAfter) {
        super(detail);
        this.status = status;
        this.title = title;
        this.retryAfter = retryAfter;
    }

    static CredentialsRefused wrongPassword() {
        return new CredentialsRefused(HttpStatus.UNAUTHORIZED, "Authentication required",
                "The user name or password is wrong.", null);
    }

    static CredentialsRefused invalidToken() {
        return new CredentialsRefused(HttpStatus.UNAUTHORIZED, "Invalid token", "The API token is not valid.", null);
    }

    static CredentialsRefused expiredToken() {
        return new CredentialsRefused(HttpStatus.UNAUTHORIZED, "Expired token", "The API token has expired.", null);
    }

    static CredentialsRefused revokedToken() {
        return new CredentialsRefused(HttpStatus.UNAUTHORIZED, "Revoked token", "The API token was revoked.", null);
    }

    static CredentialsRefused throttled(Duration retryAfter) {
        return new CredentialsRefused(HttpStatus.TOO_MANY_REQUESTS, "Too many failed logins",
                "Too many failed logins for this user name or from this address; try again after "
                        + retryAfter.toSeconds() + " s.", retryAfter);
    }

    HttpStatus status() {
        return status;
    }

    String title() {
        return title;
    }

    /** Null unless throttled. */
    Duration retryAfter() {
        return retryAfter;
    }
}
