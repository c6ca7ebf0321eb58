package io.pipewright.kernel.access;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The authenticated user of a request and their memberships, the first one being their default organization. A
 * member may read everything of the organization; what else, its permissions say.
 */
public record Caller(String username, List<Membership> memberships) {

    /** May register services and create, pause, resume and delete pipelines, as the reference names it. */
    public static final String SERVICE_CREATE = "service:create";

    /**
     * The request attribute under which the authentication leaves the verified caller, so an endpoint reads it
     * without knowing how it was verified.
     */
    public static final String REQUEST_ATTRIBUTE = Caller.class.getName();

    public record Membership(UUID organizationId, Set<String> permissions) {

        public Membership {
            permissions = Set.copyOf(permissions);
        }
    }

    public Caller {
        memberships = List.copyOf(memberships);
    }

    public List<UUID> organizationIds() {
        return memberships.stream().map(Membership::organizationId).toList();
    }

    public boolean isMemberOf(UUID organizationId) {
        return memberships.stream().anyMatch(membership -> membership.organizationId().equals(organizationId));
    }

    public boolean may(String permission, UUID organizationId) {
        return memberships.stream().anyMatch(membership -> membership.organizationId().equals(organizationId)
                && membership.permissions().contains(permission));
    }

    /** Null for a user of no organization. */
    public UUID defaultOrganization() {
        return memberships.isEmpty() ? null : memberships.get(0).organizationId();
    }
}
