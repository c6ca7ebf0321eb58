package io.pipewright.accounts;

import java.util.List;
import org.springframework.security.authentication.AbstractAuthenticationToken;

/**
 * What a request presents, not yet checked: a user name and password (HTTP Basic) with the client address the
 * throttle counts failures of, or an API token (Bearer).
 */
final class PresentedCredentials extends AbstractAuthenticationToken {

    private final String username;
    private final String secret;
    private final String clientAddress;

    private PresentedCredentials(String username, String secret, String clientAddress) {
        super(List.of());
        this.username = username;
        this.secret = secret;
        this.clientAddress = clientAddress;
    }

    static PresentedCredentials basic(String username, String password, String clientAddress) {
        return new PresentedCredentials(username, password, clientAddress);
    }

    static PresentedCredentials bearer(String token, String clientAddress) {
        return new PresentedCredentials(null, token, clientAddress);
    }

    boolean isBearer() {
        return username == null;
    }

    String username() {
        return username;
    }

    /** The password, or the token. */
    String secret() {
        return secret;
    }

    String clientAddress() {
        return clientAddress;
    }

    @Override
    public Object getCredentials() {
        return secret;
    }

    @Override
    public Object getPrincipal() {
        return username;
    }

    @Override
    public String toString() {
        return isBearer() ? "PresentedCredentials[bearer]" : "PresentedCredentials[username=" + username + "]";
    }

    @Override
    public boolean equals(Object other) {
        return this == other;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }
}
