package io.pipewright.kernel.access;

import java.util.List;
import java.util.UUID;

/** The authenticated user of a request and the organizations they belong to, first one being their default. */
public record Caller(String username, List<UUID> organizationIds) {

    public Caller {
        organizationIds = List.copyOf(organizationIds);
    }

    public boolean isMemberOf(UUID organizationId) {
        return organizationIds.contains(organizationId);
    }

    public UUID defaultOrganization() {
        return organizationIds.get(0);
    }
}
