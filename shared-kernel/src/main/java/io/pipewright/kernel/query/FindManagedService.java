package io.pipewright.kernel.query;

import java.util.UUID;

/** Answered with a {@link ManagedServiceView}, or nothing when the organization has no such service. */
public record FindManagedService(UUID organizationId, UUID serviceId) {
}
