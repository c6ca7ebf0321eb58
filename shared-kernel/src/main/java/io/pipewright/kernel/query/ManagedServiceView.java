package io.pipewright.kernel.query;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A registered service as {@code GET /managed-services/{id}} shows it. Connection details never include a password;
 * {@code postgresql} is set for PostgreSQL services, {@code kafka} for Kafka services.
 */
public record ManagedServiceView(UUID id, UUID organizationId, String name, String databaseType, String version,
                                 String zone, String peeringRegion, String planName, Integer storageSizeGb,
                                 String storageTier, List<String> addons, String status, String statusReason,
                                 Map<String, String> addonStatus, PostgresConnectionView postgresql,
                                 KafkaConnectionView kafka, Instant createdAt, Instant updatedAt) {
}
