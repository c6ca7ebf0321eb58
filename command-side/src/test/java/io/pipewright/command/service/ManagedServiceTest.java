package io.pipewright.command.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.kernel.CommandRefused;
import io.pipewright.kernel.secret.Secret;
import io.pipewright.kernel.secret.SecretRef;
import io.pipewright.kernel.secret.SecretVault;
import io.pipewright.kernel.service.DeregisterManagedService;
import io.pipewright.kernel.service.HbaManagement;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.KafkaSecurity;
import io.pipewright.kernel.service.KafkaSecurityProtocol;
import io.pipewright.kernel.service.ManagedServiceDeregistered;
import io.pipewright.kernel.service.ManagedServiceRegistered;
import io.pipewright.kernel.service.ManagedServiceStatusChanged;
import io.pipewright.kernel.service.NodeRole;
import io.pipewright.kernel.service.PluginInstallation;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.kernel.service.RecordServiceProbe;
import io.pipewright.kernel.service.RegisterManagedService;
import io.pipewright.kernel.service.SaslMechanism;
import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.kernel.service.ServiceType;
import io.pipewright.kernel.service.SslMode;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.axonframework.test.aggregate.AggregateTestFixture;
import org.axonframework.test.aggregate.FixtureConfiguration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ManagedServiceTest {

    private static final Instant NOW = Instant.parse("2026-06-22T10:00:00Z");
    private static final UUID ID = UUID.randomUUID();
    private static final UUID ORG = UUID.randomUUID();
    private static final SecretRef PASSWORD_REF = new SecretRef(UUID.randomUUID());
    private static final SecretRef SECOND_REF = new SecretRef(UUID.randomUUID());
    /** What the vault hands out, in order of storing. */
    private static final List<SecretRef> REFS = List.of(PASSWORD_REF, SECOND_REF);
    private static final ServiceDescription KAFKA = new ServiceDescription("events-kafka", ServiceType.KAFKA, "4.3",
            "se-sto1", "tier-3", 200, "maxiops", List.of(ServiceDescription.KAFKA_CONNECT_ADDON));
    private static final ServiceDescription DESCRIPTION = new ServiceDescription("orders-pg", ServiceType.POSTGRESQL,
            "17", "se-sto1", "tier-2", 100, "maxiops", List.of());
    /** What the request validated (see RegisterServiceRequestTest); the aggregate only carries it into the event. */
    private static final String CA_CERTIFICATE = "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n";
    private static final List<PostgresNode> NODES = List.of(new PostgresNode("10.0.0.5", 5432, NodeRole.PRIMARY));
    private static final ManagedServiceRegistered REGISTERED = new ManagedServiceRegistered(ID, ORG, DESCRIPTION,
            "europe", new PostgresEndpoint(NODES, "postgres", "admin", PASSWORD_REF, HbaManagement.SUPERUSER_SQL,
                    SslMode.VERIFY_FULL, CA_CERTIFICATE),
            null, NOW);

    private FixtureConfiguration<ManagedService> fixture;
    private final Map<SecretRef, Secret> vaulted = new HashMap<>();
    private final Set<String> names = new HashSet<>();
    private final Set<UUID> inUse = new HashSet<>();

    @BeforeEach
    void setUp() {
        fixture = new AggregateTestFixture<>(ManagedService.class);
        fixture.registerInjectableResource(Clock.fixed(NOW, ZoneOffset.UTC));
        fixture.registerInjectableResource(new SecretVault() {
            @Override
            public SecretRef store(Secret secret) {
                SecretRef ref = REFS.get(vaulted.size());
                vaulted.put(ref, secret);
                return ref;
            }

            @Override
            public Optional<Secret> find(SecretRef ref) {
                return Optional.ofNullable(vaulted.get(ref));
            }

            @Override
            public Secret keepFirst(SecretRef ref, Secret candidate) {
                return vaulted.computeIfAbsent(ref, unused -> candidate);
            }

            @Override
            public void forget(SecretRef ref) {
                vaulted.remove(ref);
            }

            @Override
            public Secret reveal(SecretRef ref) {
                return vaulted.get(ref);
            }
        });
        fixture.registerInjectableResource(new ServiceRegistry() {
            @Override
            public void claimName(UUID organizationId, String name, UUID serviceId, String databaseType) {
                if (!names.add(organizationId + "/" + name)) {
                    throw CommandRefused.conflict("a service named " + name + " already exists in this organization");
                }
            }

            @Override
            public void release(UUID serviceId) {
                if (inUse.contains(serviceId)) {
                    throw CommandRefused.conflict("service " + serviceId + " is used by 1 pipeline(s); delete them first");
                }
            }
        });
        fixture.registerInjectableResource(new PeeringRegions() {
            @Override
            public Optional<String> regionOf(String zone) {
                return zone.startsWith("se-") ? Optional.of("europe") : Optional.empty();
            }

            @Override
            public Map<String, List<String>> zonesByRegion() {
                return Map.of("europe", List.of("se-sto1"));
            }
        });
    }

    @Test
    void registersWithThePasswordInTheVaultAndOnlyItsReferenceInTheEvent() {
        fixture.givenNoPriorActivity()
                .when(new RegisterManagedService(ID, ORG, DESCRIPTION,
                        new PostgresEndpoint(NODES, "postgres", "admin", null, HbaManagement.SUPERUSER_SQL,
                                SslMode.VERIFY_FULL, CA_CERTIFICATE),
                        new Secret("s3cr3t-admin-password"), null, null, null))
                .expectEvents(REGISTERED);
        assertThat(vaulted).containsEntry(PASSWORD_REF, new Secret("s3cr3t-admin-password"));
        assertThat(REGISTERED.toString()).doesNotContain("s3cr3t-admin-password");
    }

    @Test
    void registersKafkaWithItsSaslAndConnectPasswordsInTheVaultAndOnlyTheirReferencesInTheEvent() {
        KafkaConnectEndpoint connect = new KafkaConnectEndpoint("https://10.0.0.8:8083",
                PluginInstallation.PREINSTALLED, null, "/run/connect-secrets", "connect-admin", null, null);
        KafkaSecurity sasl = new KafkaSecurity(KafkaSecurityProtocol.SASL_PLAINTEXT, SaslMechanism.SCRAM_SHA_256,
                "app_user", null, null);
        ManagedServiceRegistered registered = new ManagedServiceRegistered(ID, ORG, KAFKA, "europe", null,
                new KafkaEndpoint("10.0.0.7:9093", new KafkaConnectEndpoint("https://10.0.0.8:8083",
                        PluginInstallation.PREINSTALLED, null, "/run/connect-secrets", "connect-admin", SECOND_REF,
                        null), new KafkaSecurity(KafkaSecurityProtocol.SASL_PLAINTEXT, SaslMechanism.SCRAM_SHA_256,
                        "app_user", PASSWORD_REF, null)), NOW);

        fixture.givenNoPriorActivity()
                .when(new RegisterManagedService(ID, ORG, KAFKA, null, null,
                        new KafkaEndpoint("10.0.0.7:9093", connect, sasl), new Secret("kafka-sasl-password"),
                        new Secret("connect-basic-password")))
                .expectEvents(registered);
        assertThat(vaulted).containsEntry(PASSWORD_REF, new Secret("kafka-sasl-password"))
                .containsEntry(SECOND_REF, new Secret("connect-basic-password"));

        fixture.given(registered)
                .when(new DeregisterManagedService(ID, List.of(ORG), List.of(ORG)))
                .expectEvents(new ManagedServiceDeregistered(ID, NOW));
        assertThat(vaulted).as("both passwords are erased with the deregistration").isEmpty();
    }

    @Test
    void refusesANameTakenInTheOrganization() {
        names.add(ORG + "/orders-pg");
        fixture.givenNoPriorActivity()
                .when(new RegisterManagedService(ID, ORG, DESCRIPTION,
                        new PostgresEndpoint(NODES, "postgres", "admin", null, HbaManagement.SUPERUSER_SQL,
                                SslMode.REQUIRE, null),
                        new Secret("pw"), null, null, null))
                .expectException(CommandRefused.class)
                .expectNoEvents();
        assertThat(vaulted).isEmpty();
    }

    @Test
    void onlyAChangeOfWhatTheProbeSawIsAnEvent() {
        fixture.given(REGISTERED)
                .when(new RecordServiceProbe(ID, ServiceStatus.PENDING, null, Map.of()))
                .expectSuccessfulHandlerExecution()
                .expectNoEvents();
        fixture.given(REGISTERED)
                .when(new RecordServiceProbe(ID, ServiceStatus.RUNNING, null, Map.of()))
                .expectEvents(new ManagedServiceStatusChanged(ID, ServiceStatus.RUNNING, null, Map.of(), NOW));
        fixture.given(REGISTERED, new ManagedServiceStatusChanged(ID, ServiceStatus.RUNNING, null, Map.of(), NOW))
                .when(new RecordServiceProbe(ID, ServiceStatus.RUNNING, null, Map.of()))
                .expectNoEvents();
    }

    @Test
    void deregistersWhenNoPipelineUsesIt() {
        vaulted.put(PASSWORD_REF, new Secret("admin-password"));
        fixture.given(REGISTERED)
                .when(new DeregisterManagedService(ID, List.of(ORG), List.of(ORG)))
                .expectEvents(new ManagedServiceDeregistered(ID, NOW))
                .expectResultMessagePayload(ORG)
                .expectMarkedDeleted();
        assertThat(vaulted).as("the admin password is erased").doesNotContainKey(PASSWORD_REF);
    }

    @Test
    void aRefusedDeregistrationKeepsTheAdminPassword() {
        vaulted.put(PASSWORD_REF, new Secret("admin-password"));
        inUse.add(ID);
        fixture.given(REGISTERED)
                .when(new DeregisterManagedService(ID, List.of(ORG), List.of(ORG)))
                .expectException(CommandRefused.class);
        assertThat(vaulted).containsKey(PASSWORD_REF);
    }

    @Test
    void refusesToDeregisterWhileAPipelineUsesIt() {
        inUse.add(ID);
        fixture.given(REGISTERED)
                .when(new DeregisterManagedService(ID, List.of(ORG), List.of(ORG)))
                .expectException(CommandRefused.class)
                .expectNoEvents();
    }

    @Test
    void aReadOnlyMemberMayNotDeregister() {
        fixture.given(REGISTERED)
                .when(new DeregisterManagedService(ID, List.of(ORG), List.of()))
                .expectException(CommandRefused.class)
                .expectExceptionMessage("deregistering a service needs the service:create permission in organization "
                        + ORG)
                .expectNoEvents();
    }

    @Test
    void aServiceOfAnotherOrganizationDoesNotExistForTheCaller() {
        fixture.given(REGISTERED)
                .when(new DeregisterManagedService(ID, List.of(UUID.randomUUID()), List.of()))
                .expectException(CommandRefused.class)
                .expectExceptionMessage("service not found")
                .expectNoEvents();
    }
}
