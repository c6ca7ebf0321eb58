package io.pipewright.kernel.service;

import java.time.Instant;
import java.util.UUID;

public record ManagedServiceRegistered(UUID serviceId, UUID organizationId, ServiceDescription description,
                                       String peeringRegion, PostgresEndpoint postgres, KafkaEndpoint kafka,
                                       Instant registeredAt) {
}
