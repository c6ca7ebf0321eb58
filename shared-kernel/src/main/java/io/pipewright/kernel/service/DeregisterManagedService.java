package io.pipewright.kernel.service;

import java.util.List;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Handled with the organization that owns the service as result; refused as not found for non-members, as forbidden
 * for members of the owning organization who may not change its services.
 */
public record DeregisterManagedService(@TargetAggregateIdentifier UUID serviceId, List<UUID> callerOrganizationIds,
                                       List<UUID> permittedOrganizationIds) {

    public DeregisterManagedService {
        callerOrganizationIds = List.copyOf(callerOrganizationIds);
        permittedOrganizationIds = List.copyOf(permittedOrganizationIds);
    }
}
