package io.pipewright.accounts;

import io.pipewright.kernel.access.Caller;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;

/**
 * A verified request's caller as the checks found it: their memberships (read once, at the verification), whether
 * they are an operator, and for an API token its limits. This is what the verification cache keeps, so a repeated
 * request reads nothing from the database; {@code authVersion} is the user's version it was read at.
 */
final class CallerAuthentication extends AbstractAuthenticationToken {

    private final Caller caller;
    private final boolean operator;
    private final UUID tokenId;
    private final boolean readOnly;
    private final Instant expiresAt;
    private final long authVersion;

    private CallerAuthentication(Caller caller, boolean operator, UUID tokenId, boolean readOnly, Instant expiresAt,
                                 long authVersion) {
        super(operator ? AuthorityUtils.createAuthorityList("ROLE_" + Users.OPERATOR_ROLE) : List.of());
        this.caller = caller;
        this.operator = operator;
        this.tokenId = tokenId;
        this.readOnly = readOnly;
        this.expiresAt = expiresAt;
        this.authVersion = authVersion;
        setAuthenticated(true);
    }

    static CallerAuthentication ofPassword(Caller caller, boolean operator, long authVersion) {
        return new CallerAuthentication(caller, operator, null, false, null, authVersion);
    }

    /**
     * A token limited to one organization keeps only that membership, and no operator role (an operator's
     * organization-scoped token reaches that organization only); a read-only token keeps no permission.
     */
    static CallerAuthentication ofToken(UUID tokenId, Caller user, boolean operator, UUID organizationId,
                                        boolean readOnly, Instant expiresAt, long authVersion) {
        List<Caller.Membership> memberships = user.memberships().stream()
                .filter(membership -> organizationId == null || membership.organizationId().equals(organizationId))
                .map(membership -> readOnly ? new Caller.Membership(membership.organizationId(), Set.of())
                        : membership)
                .toList();
        return new CallerAuthentication(new Caller(user.username(), memberships), operator && organizationId == null,
                tokenId, readOnly, expiresAt, authVersion);
    }

    Caller caller() {
        return caller;
    }

    boolean isToken() {
        return tokenId != null;
    }

    boolean readOnly() {
        return readOnly;
    }

    boolean expiredAt(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    long authVersion() {
        return authVersion;
    }

    boolean operator() {
        return operator;
    }

    @Override
    public Object getCredentials() {
        return null;
    }

    @Override
    public Object getPrincipal() {
        return caller;
    }

    @Override
    public String getName() {
        return caller.username();
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
