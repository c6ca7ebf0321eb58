package io.pipewright.sagas.service;

import io.pipewright.kernel.service.ServiceStatus;
import java.util.Map;

/** {@code reason} says, without secrets, why a service is not Running; null when it is. */
public record ProbeResult(ServiceStatus status, String reason, Map<String, ServiceStatus> addonStatuses) {

    public ProbeResult {
        addonStatuses = Map.copyOf(addonStatuses);
    }

    public boolean fullyRunning() {
        return status == ServiceStatus.RUNNING
                && addonStatuses.values().stream().allMatch(addon -> addon == ServiceStatus.RUNNING);
    }
}
