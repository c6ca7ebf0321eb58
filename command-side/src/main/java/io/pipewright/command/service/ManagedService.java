package io.pipewright.command.service;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;
import static org.axonframework.modelling.command.AggregateLifecycle.markDeleted;

import io.pipewright.kernel.CommandRefused;
import io.pipewright.kernel.secret.SecretRef;
import io.pipewright.kernel.secret.SecretVault;
import io.pipewright.kernel.service.DeregisterManagedService;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.KafkaSecurity;
import io.pipewright.kernel.service.ManagedServiceDeregistered;
import io.pipewright.kernel.service.ManagedServiceRegistered;
import io.pipewright.kernel.service.ManagedServiceStatusChanged;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.RecordServiceProbe;
import io.pipewright.kernel.service.RegisterManagedService;
import io.pipewright.kernel.service.ServiceStatus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.spring.stereotype.Aggregate;

/** A PostgreSQL or Kafka service that already runs somewhere, registered so pipelines can connect it. */
@Aggregate
public class ManagedService {

    /** The same words for an absent service and another organization's, so the answer tells nothing apart. */
    public static final String NOT_FOUND = "service not found";

    @AggregateIdentifier
    private UUID serviceId;
    private UUID organizationId;
    private ServiceStatus status;
    private String reason;
    private Map<String, ServiceStatus> addonStatuses;
    /** Every password of the registration in the vault, erased with the deregistration. */
    private List<SecretRef> secrets;

    protected ManagedService() {
    }

    @CommandHandler
    public ManagedService(RegisterManagedService command, ServiceRegistry registry, PeeringRegions regions,
                          SecretVault vault, Clock clock) {
        registry.claimName(command.organizationId(), command.description().name(), command.serviceId(),
                command.description().databaseType().wireName());
        PostgresEndpoint postgres = command.postgres();
        if (postgres != null) {
            SecretRef password = vault.store(command.adminPassword());
            postgres = new PostgresEndpoint(postgres.nodes(), postgres.adminDatabase(), postgres.adminUser(), password,
                    postgres.hbaManagement(), postgres.sslMode(), postgres.caCertificate());
        }
        String region = regions.regionOf(command.description().zone()).orElse(null);
        apply(new ManagedServiceRegistered(command.serviceId(), command.organizationId(), command.description(),
                region, postgres, vaulted(command, vault), clock.instant()));
    }

    /** The Kafka endpoint as recorded: its passwords (SASL login, Connect's Basic credentials) as vault references. */
    private static KafkaEndpoint vaulted(RegisterManagedService command, SecretVault vault) {
        KafkaEndpoint kafka = command.kafka();
        if (kafka == null) {
            return null;
        }
        KafkaSecurity security = kafka.security();
        if (command.kafkaPassword() != null) {
            security = new KafkaSecurity(security.protocol(), security.mechanism(), security.username(),
                    vault.store(command.kafkaPassword()), security.caCertificate());
        }
        KafkaConnectEndpoint connect = kafka.connect();
        if (connect != null && command.connectPassword() != null) {
            connect = new KafkaConnectEndpoint(connect.url(), connect.pluginInstallation(), connect.pluginPath(),
                    connect.secretsDirectory(), connect.username(), vault.store(command.connectPassword()),
                    connect.caCertificate());
        }
        return new KafkaEndpoint(kafka.bootstrapServers(), connect, security);
    }

    @CommandHandler
    public void handle(RecordServiceProbe command, Clock clock) {
        if (status == command.status() && Objects.equals(reason, command.reason())
                && addonStatuses.equals(command.addonStatuses())) {
            return;
        }
        apply(new ManagedServiceStatusChanged(serviceId, command.status(), command.reason(), command.addonStatuses(),
                clock.instant()));
    }

    @CommandHandler
    public UUID handle(DeregisterManagedService command, ServiceRegistry registry, SecretVault vault, Clock clock) {
        if (!command.callerOrganizationIds().contains(organizationId)) {
            throw CommandRefused.notFound(NOT_FOUND);
        }
        if (!command.permittedOrganizationIds().contains(organizationId)) {
            throw CommandRefused.forbidden("deregistering a service needs the service:create permission in "
                    + "organization " + organizationId);
        }
        registry.release(serviceId);
        // Erased with the deregistration, in its transaction: nothing is left that could still use the passwords.
        secrets.forEach(vault::forget);
        apply(new ManagedServiceDeregistered(serviceId, clock.instant()));
        return organizationId;
    }

    @EventSourcingHandler
    void on(ManagedServiceRegistered event) {
        serviceId = event.serviceId();
        organizationId = event.organizationId();
        status = ServiceStatus.PENDING;
        addonStatuses = Map.of();
        secrets = new ArrayList<>();
        if (event.postgres() != null && event.postgres().adminPassword() != null) {
            secrets.add(event.postgres().adminPassword());
        }
        if (event.kafka() != null && event.kafka().security().password() != null) {
            secrets.add(event.kafka().security().password());
        }
        if (event.kafka() != null && event.kafka().connect() != null && event.kafka().connect().password() != null) {
            secrets.add(event.kafka().connect().password());
        }
    }

    @EventSourcingHandler
    void on(ManagedServiceStatusChanged event) {
        status = event.status();
        reason = event.reason();
        addonStatuses = event.addonStatuses();
    }

    @EventSourcingHandler
    void on(ManagedServiceDeregistered event) {
        markDeleted();
    }
}
