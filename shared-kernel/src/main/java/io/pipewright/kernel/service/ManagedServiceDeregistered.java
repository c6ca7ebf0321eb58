package io.pipewright.kernel.service;

import java.time.Instant;
import java.util.UUID;

public record ManagedServiceDeregistered(UUID serviceId, Instant at) {
}
