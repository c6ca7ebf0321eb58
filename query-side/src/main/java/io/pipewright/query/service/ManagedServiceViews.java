package io.pipewright.query.service;

import com.fasterxml.jackson.core.type.TypeReference;
import io.pipewright.kernel.query.KafkaConnectionView;
import io.pipewright.kernel.query.ManagedServiceView;
import io.pipewright.kernel.query.PostgresConnectionView;
import io.pipewright.query.ViewJson;
import io.pipewright.query.page.Keyset;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reads the registered (not deregistered) services from {@code managed_service_view}, never blocking. */
@Component
public class ManagedServiceViews {

    private static final TypeReference<Map<String, String>> ADDON_STATUS = new TypeReference<>() {
    };

    private final DatabaseClient database;
    private final ViewJson json;

    ManagedServiceViews(DatabaseClient database, ViewJson json) {
        this.database = database;
        this.json = json;
    }

    /**
     * At most {@code rows} registered services of {@code organizationIds} in creation order, starting after
     * {@code after} (from the first when null): one query on the index of each organization's registered services by
     * creation time and id.
     */
    Flux<ManagedServiceView> page(Collection<UUID> organizationIds, Keyset after, int rows) {
        String keyset = after == null ? "" : " AND (created_at, id) > (:afterCreatedAt, :afterId)";
        DatabaseClient.GenericExecuteSpec query = database.sql("SELECT * FROM managed_service_view"
                        + " WHERE organization_id = ANY(:organizationIds) AND deregistered_at IS NULL" + keyset
                        + " ORDER BY created_at, id LIMIT :rows")
                .bind("organizationIds", organizationIds.toArray(UUID[]::new))
                .bind("rows", rows);
        if (after != null) {
            query = query.bind("afterCreatedAt", after.createdAt()).bind("afterId", after.id());
        }
        return query.map(this::toService).all();
    }

    /**
     * Empty unless the service belongs to one of {@code organizationIds}, so the answer leaks no existence. Found by
     * id alone, its organization and registration checked on the row, so the plan is always the primary key's (see
     * {@code PipelineViews.STATUS_QUERY}).
     */
    public Mono<ManagedServiceView> find(UUID serviceId, Collection<UUID> organizationIds) {
        return database.sql("SELECT * FROM managed_service_view WHERE id = :id")
                .bind("id", serviceId)
                .map(row -> organizationIds.contains(row.get("organization_id", UUID.class))
                        && row.get("deregistered_at", Instant.class) == null ? Optional.of(toService(row))
                        : Optional.<ManagedServiceView>empty())
                .one()
                .flatMap(Mono::justOrEmpty);
    }

    private ManagedServiceView toService(Readable row) {
        return new ManagedServiceView(row.get("id", UUID.class), row.get("organization_id", UUID.class),
                row.get("name", String.class), row.get("database_type", String.class),
                row.get("version", String.class), row.get("zone", String.class),
                row.get("peering_region", String.class), row.get("plan_name", String.class),
                row.get("storage_size_gb", Integer.class), row.get("storage_tier", String.class),
                List.of(row.get("addons", String[].class)), row.get("status", String.class),
                row.get("status_reason", String.class), json.read(row.get("addon_status", Json.class), ADDON_STATUS),
                json.read(row.get("postgresql", Json.class), PostgresConnectionView.class),
                json.read(row.get("kafka", Json.class), KafkaConnectionView.class),
                row.get("created_at", Instant.class), row.get("updated_at", Instant.class));
    }
}
