package io.pipewright.command.service;

import java.util.UUID;

/** Service names unique per organization, and which services pipelines still use; written in the command's transaction. */
public interface ServiceRegistry {

    /** Refuses with CONFLICT when the organization already has a service of that name. */
    void claimName(UUID organizationId, String name, UUID serviceId, String databaseType);

    /** Refuses with CONFLICT while a pipeline that is not deleted uses the service. */
    void release(UUID serviceId);
}
