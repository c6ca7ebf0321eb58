package io.pipewright.sagas.provisioning;

import java.util.Optional;
import java.util.UUID;

/** The registered services as the reconciler needs them, with their endpoints. */
public interface ServiceDirectory {

    Optional<ServiceRecord> find(UUID serviceId);
}
