package io.pipewright.kernel.service;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

public record ManagedServiceStatusChanged(UUID serviceId, ServiceStatus status, String reason,
                                          Map<String, ServiceStatus> addonStatuses, Instant at) {
}
