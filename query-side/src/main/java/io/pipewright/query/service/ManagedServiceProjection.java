package io.pipewright.query.service;

import io.pipewright.kernel.query.FindManagedService;
import io.pipewright.kernel.query.KafkaConnectionView;
import io.pipewright.kernel.query.PostgresConnectionView;
import io.pipewright.kernel.service.CaCertificates;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.KafkaSecurity;
import io.pipewright.kernel.service.ManagedServiceDeregistered;
import io.pipewright.kernel.service.ManagedServiceRegistered;
import io.pipewright.kernel.service.ManagedServiceStatusChanged;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.query.Projections;
import io.pipewright.query.ViewJson;
import io.pipewright.query.ViewRows;
import io.r2dbc.postgresql.codec.Json;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
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
 * Keeps {@code managed_service_view} in step with the services' events, written a batch of events at a time and
 * guarded by the sequence number of the last event applied ({@link ViewRows}). Connection details are copied without
 * the admin password's reference, and with the CA certificate's fingerprints instead of the certificate; a
 * deregistered service keeps its row, marked by {@code deregistered_at}.
 */
@Component
@ProcessingGroup(Projections.SERVICE_VIEWS)
class ManagedServiceProjection {

    private final ViewRows rows;
    private final ViewJson json;

    ManagedServiceProjection(DatabaseClient database, ViewJson json, QueryUpdateEmitter updates) {
        this.json = json;
        this.rows = new ViewRows(database, "managed_service_view",
                serviceId -> updates.emit(FindManagedService.class, query -> query.serviceId().equals(serviceId),
                        serviceId));
    }

    @EventHandler
    void on(ManagedServiceRegistered event, @SequenceNumber long sequence) {
        ServiceDescription description = event.description();
        // Addons are probed like the service itself: Pending until the first probe says otherwise.
        Map<String, String> addonStatus = description.addons().stream()
                .collect(Collectors.toMap(Function.identity(), addon -> ServiceStatus.PENDING.wireName(),
                        (first, second) -> first, TreeMap::new));
        Map<String, Object> columns = new LinkedHashMap<>();
        columns.put("organization_id", event.organizationId());
        columns.put("name", description.name());
        columns.put("database_type", description.databaseType().wireName());
        columns.put("version", Parameter.fromOrEmpty(description.version(), String.class));
        columns.put("zone", Parameter.fromOrEmpty(description.zone(), String.class));
        columns.put("peering_region", Parameter.fromOrEmpty(event.peeringRegion(), String.class));
        columns.put("plan_name", Parameter.fromOrEmpty(description.planName(), String.class));
        columns.put("storage_size_gb", Parameter.fromOrEmpty(description.storageSizeGb(), Integer.class));
        columns.put("storage_tier", Parameter.fromOrEmpty(description.storageTier(), String.class));
        columns.put("addons", description.addons().toArray(String[]::new));
        columns.put("status", ServiceStatus.PENDING.wireName());
        columns.put("addon_status", json.write(addonStatus));
        columns.put("postgresql", Parameter.fromOrEmpty(postgresConnection(event.postgres()), Json.class));
        columns.put("kafka", Parameter.fromOrEmpty(kafkaConnection(event.kafka()), Json.class));
        columns.put("created_at", event.registeredAt());
        columns.put("updated_at", event.registeredAt());
        rows.insert(event.serviceId(), sequence, columns);
    }

    @EventHandler
    void on(ManagedServiceStatusChanged event, @SequenceNumber long sequence) {
        Map<String, String> addonStatus = new TreeMap<>();
        event.addonStatuses().forEach((addon, status) -> addonStatus.put(addon, status.wireName()));
        rows.update(event.serviceId(), sequence, Map.of("status", event.status().wireName(),
                "status_reason", Parameter.fromOrEmpty(event.reason(), String.class),
                "addon_status", json.write(addonStatus),
                "updated_at", event.at()));
    }

    @EventHandler
    void on(ManagedServiceDeregistered event, @SequenceNumber long sequence) {
        rows.update(event.serviceId(), sequence, Map.of("deregistered_at", event.at(), "updated_at", event.at()));
    }

    @ResetHandler
    void clear() {
        rows.clear();
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
                postgres.hbaManagement() == null ? null : postgres.hbaManagement().wireName(),
                postgres.sslMode().wireName(), postgres.caCertificate() == null ? null
                        : CaCertificates.sha256Fingerprints(postgres.caCertificate())));
    }

    private Json kafkaConnection(KafkaEndpoint kafka) {
        if (kafka == null) {
            return null;
        }
        KafkaConnectEndpoint connect = kafka.connect();
        KafkaConnectionView.KafkaConnectView connectView = connect == null ? null
                : new KafkaConnectionView.KafkaConnectView(connect.url(),
                        connect.pluginInstallation() == null ? null : connect.pluginInstallation().wireName(),
                        connect.pluginPath(), connect.secretsDirectory(), connect.username(),
                        connect.caCertificate());
        KafkaSecurity security = kafka.security();
        return json.write(new KafkaConnectionView(kafka.bootstrapServers(), connectView,
                security.protocol().wireName(), security.mechanism() == null ? null : security.mechanism().wireName(),
                security.username(), security.caCertificate()));
    }
}
