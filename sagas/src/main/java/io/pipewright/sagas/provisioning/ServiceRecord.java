package io.pipewright.sagas.provisioning;

import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceStatus;
import java.util.Map;
import java.util.UUID;

/** What the reconciler knows of a registered service, secrets as references. */
public record ServiceRecord(UUID serviceId, ServiceDescription description, String peeringRegion,
                            PostgresEndpoint postgres, KafkaEndpoint kafka, ServiceStatus status,
                            Map<String, ServiceStatus> addonStatuses) {

    public boolean isRunning() {
        return status == ServiceStatus.RUNNING;
    }

    public boolean addonRunning(String addon) {
        return addonStatuses.get(addon) == ServiceStatus.RUNNING;
    }
}
