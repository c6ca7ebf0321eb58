package io.pipewright.kernel.service;

import java.util.List;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Handled with the organization that owns the service as result; refused as not found for non-members. */
public record DeregisterManagedService(@TargetAggregateIdentifier UUID serviceId, List<UUID> callerOrganizationIds) {

    public DeregisterManagedService {
        callerOrganizationIds = List.copyOf(callerOrganizationIds);
    }
}
