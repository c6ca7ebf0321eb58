package io.pipewright.kernel.service;

import io.pipewright.kernel.secret.Secret;
import java.util.UUID;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Registers a service that already runs. Exactly one of {@code postgres} / {@code kafka} is set, matching the type;
 * the passwords (PostgreSQL's admin, Kafka's SASL login, Kafka Connect's Basic credentials) travel only as far as the
 * vault, and are null where the registration has none.
 */
public record RegisterManagedService(@TargetAggregateIdentifier UUID serviceId, UUID organizationId,
                                     ServiceDescription description, PostgresEndpoint postgres, Secret adminPassword,
                                     KafkaEndpoint kafka, Secret kafkaPassword, Secret connectPassword) {
}
