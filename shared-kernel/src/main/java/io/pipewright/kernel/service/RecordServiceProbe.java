package io.pipewright.kernel.service;

import java.util.Map;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** What a probe saw; only a change of status becomes an event. */
public record RecordServiceProbe(@TargetAggregateIdentifier UUID serviceId, ServiceStatus status, String reason,
                                 Map<String, ServiceStatus> addonStatuses) {

    public RecordServiceProbe {
        addonStatuses = Map.copyOf(addonStatuses);
    }
}
