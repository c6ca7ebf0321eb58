package io.pipewright.query.service;

import io.pipewright.kernel.query.FindManagedService;
import io.pipewright.kernel.query.KafkaConnectionView;
import io.pipewright.kernel.query.PostgresConnectionView;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.ManagedServiceDeregistered;
import io.pipewright.kernel.service.ManagedServiceRegistered;
import io.pipewright.kernel.service.ManagedServiceStatusChanged;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.query.Projections;
import io.pipewright.query.ViewJson;
import io.r2dbc.postgresql.codec.Json;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;

/**
 * Keeps {@code managed_service_view} in step with the services' events, guarded by the sequence number of the last
 * event applied like the pipeline view. Connection details are copied without the admin password's reference; a
 * deregistered service keeps its row, marked by {@code deregistered_at}.
 */
@Component
@ProcessingGroup(Projections.SERVICE_VIEWS)
class ManagedServiceProjection {

    private final DatabaseClient database;
    private final ViewJson json;
    private final QueryUpdateEmitter updates;

    ManagedServiceProjection(DatabaseClient database, ViewJson json, QueryUpdateEmitter updates) {
        this.database = database;
        this.json = json;
        this.updates = updates;
    }

    @EventHandler
    void on(ManagedServiceRegistered event, @SequenceNumber long sequence) {
        ServiceDescription description = event.description();
        // Addons are probed like the service itself: Pending until the first probe says otherwise.
        Map<String, String> addonStatus = description.addons().stream()
                .collect(Collectors.toMap(Function.identity(), addon -> ServiceStatus.PENDING.wireName(),
                        (first, second) -> first, TreeMap::new));
        database.sql("""
                        INSERT INTO managed_service_view (id, organization_id, name, database_type, version, zone,
                            peering_region, plan_name, storage_size_gb, storage_tier, addons, status, addon_status,
                            postgresql, kafka, created_at, updated_at, last_sequence)
                        VALUES (:id, :organizationId, :name, :databaseType, :version, :zone, :peeringRegion,
                            :planName, :storageSizeGb, :storageTier, :addons, :status, :addonStatus, :postgresql,
                            :kafka, :registeredAt, :registeredAt, :sequence)
                        ON CONFLICT (id) DO NOTHING""")
                .bind("id", event.serviceId())
                .bind("organizationId", event.organizationId())
                .bind("name", description.name())
                .bind("databaseType", description.databaseType().wireName())
                .bind("version", Parameter.fromOrEmpty(description.version(), String.class))
                .bind("zone", Parameter.fromOrEmpty(description.zone(), String.class))
                .bind("peeringRegion", Parameter.fromOrEmpty(event.peeringRegion(), String.class))
                .bind("planName", Parameter.fromOrEmpty(description.planName(), String.class))
                .bind("storageSizeGb", Parameter.fromOrEmpty(description.storageSizeGb(), Integer.class))
                .bind("storageTier", Parameter.fromOrEmpty(description.storageTier(), String.class))
                .bind("addons", description.addons().toArray(String[]::new))
                .bind("status", ServiceStatus.PENDING.wireName())
                .bind("addonStatus", json.write(addonStatus))
                .bind("postgresql", Parameter.fromOrEmpty(postgresConnection(event.postgres()), Json.class))
                .bind("kafka", Parameter.fromOrEmpty(kafkaConnection(event.kafka()), Json.class))
                .bind("registeredAt", event.registeredAt())
                .bind("sequence", sequence)
                .then()
                .block();
        changed(event.serviceId());
    }

    @EventHandler
    void on(ManagedServiceStatusChanged event, @SequenceNumber long sequence) {
        Map<String, String> addonStatus = new TreeMap<>();
        event.addonStatuses().forEach((addon, status) -> addonStatus.put(addon, status.wireName()));
        database.sql("""
                        UPDATE managed_service_view
                        SET status = :status, status_reason = :reason, addon_status = :addonStatus,
                            updated_at = :at, last_sequence = :sequence
                        WHERE id = :id AND last_sequence < :sequence""")
                .bind("status", event.status().wireName())
                .bind("reason", Parameter.fromOrEmpty(event.reason(), String.class))
                .bind("addonStatus", json.write(addonStatus))
                .bind("at", event.at())
                .bind("sequence", sequence)
                .bind("id", event.serviceId())
                .then()
                .block();
        changed(event.serviceId());
    }

    @EventHandler
    void on(ManagedServiceDeregistered event, @SequenceNumber long sequence) {
        database.sql("""
                        UPDATE managed_service_view
                        SET deregistered_at = :at, updated_at = :at, last_sequence = :sequence
                        WHERE id = :id AND last_sequence < :sequence""")
                .bind("at", event.at())
                .bind("sequence", sequence)
                .bind("id", event.serviceId())
                .then()
                .block();
        changed(event.serviceId());
    }

    /** Wakes the requests waiting for this service's view (after the handler's unit of work, when there is one). */
    private void changed(UUID serviceId) {
        updates.emit(FindManagedService.class, query -> query.serviceId().equals(serviceId), serviceId);
    }

    @ResetHandler
    void clear() {
        database.sql("DELETE FROM managed_service_view").then().block();
    }

    private Json postgresConnection(PostgresEndpoint postgres) {
        if (postgres == null) {
            return null;
        }
        var hosts = postgres.nodes().stream()
                .map(node -> new PostgresConnectionView.NodeView(node.host(), node.port(),
                        node.role().name().toLowerCase(Locale.ROOT)))
                .toList();
        return json.write(new PostgresConnectionView(hosts, postgres.adminDatabase(), postgres.adminUser(),
                postgres.hbaManagement() == null ? null : postgres.hbaManagement().wireName()));
    }

    private Json kafkaConnection(KafkaEndpoint kafka) {
        if (kafka == null) {
            return null;
        }
        KafkaConnectEndpoint connect = kafka.connect();
        KafkaConnectionView.KafkaConnectView connectView = connect == null ? null
                : new KafkaConnectionView.KafkaConnectView(connect.url(),
                        connect.pluginInstallation() == null ? null : connect.pluginInstallation().wireName(),
                        connect.pluginPath(), connect.secretsDirectory());
        return json.write(new KafkaConnectionView(kafka.bootstrapServers(), connectView));
    }
}
