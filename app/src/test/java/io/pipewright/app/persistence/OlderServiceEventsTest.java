package io.pipewright.app.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.kernel.secret.SecretRef;
import io.pipewright.kernel.service.HbaManagement;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.KafkaSecurity;
import io.pipewright.kernel.service.KafkaSecurityProtocol;
import io.pipewright.kernel.service.ManagedServiceRegistered;
import io.pipewright.kernel.service.NodeRole;
import io.pipewright.kernel.service.PluginInstallation;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.kernel.service.SaslMechanism;
import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceType;
import io.pipewright.kernel.service.SslMode;
import io.pipewright.localstack.LocalCertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.junit.jupiter.api.Test;

/**
 * A {@code ManagedServiceRegistered} stored before a field existed still loads through the control plane's serializer
 * and means what the service's connections did before: a PostgreSQL service {@code ssl_mode} prefer (pgjdbc's and
 * Debezium's default) without a CA certificate; a Kafka service PLAINTEXT, no login, a Connect REST API without
 * credentials. Registrations with the new fields are stored (passwords as vault references only) and read back the
 * same. The services' probing sagas store the same endpoints and read them back through the same constructors.
 */
class OlderServiceEventsTest {

    /** A payload as the control plane stored it before {@code ssl_mode} and {@code ca_certificate} existed. */
    private static final String BEFORE_SSL_MODE = """
            {"service_id":"0b0c0d0e-0000-4000-8000-000000000002",
             "organization_id":"0b0c0d0e-0000-4000-8000-000000000001",
             "description":{"name":"orders-pg","database_type":"POSTGRESQL","version":"17","zone":"se-sto1",
                            "plan_name":null,"storage_size_gb":null,"storage_tier":null,"addons":[]},
             "peering_region":"europe",
             "postgres":{"nodes":[{"host":"10.0.0.5","port":5432,"role":"PRIMARY"}],"admin_database":"postgres",
                         "admin_user":"admin","admin_password":{"id":"0b0c0d0e-0000-4000-8000-000000000009"},
                         "hba_management":"SUPERUSER_SQL"},
             "kafka":null,"registered_at":"2026-06-22T10:00:00Z"}""";

    /** A payload as the control plane stored it before security_protocol and Connect's credentials existed. */
    private static final String BEFORE_SECURITY = """
            {"service_id":"0b0c0d0e-0000-4000-8000-000000000003",
             "organization_id":"0b0c0d0e-0000-4000-8000-000000000001",
             "description":{"name":"events-kafka","database_type":"KAFKA","version":"3.9","zone":"se-sto1",
                            "plan_name":"tier-3","storage_size_gb":200,"storage_tier":"maxiops",
                            "addons":["kafka-connect"]},
             "peering_region":"europe","postgres":null,
             "kafka":{"bootstrap_servers":"10.0.0.7:9092",
                      "connect":{"url":"http://10.0.0.8:8083","plugin_installation":"PREINSTALLED",
                                 "plugin_path":null,"secrets_directory":"/run/connect-secrets"}},
             "registered_at":"2026-06-22T10:00:00Z"}""";

    private final Serializer serializer = new AxonSerialization().serializer();

    @Test
    void aServiceRegisteredBeforeSslModeKeepsPreferWithoutACertificate() {
        ManagedServiceRegistered registered = read(BEFORE_SSL_MODE);

        assertThat(registered.postgres().sslMode()).isEqualTo(SslMode.PREFER);
        assertThat(registered.postgres().caCertificate()).isNull();
        assertThat(registered.postgres().nodes())
                .containsExactly(new PostgresNode("10.0.0.5", 5432, NodeRole.PRIMARY));
        assertThat(registered.postgres().hbaManagement()).isEqualTo(HbaManagement.SUPERUSER_SQL);
    }

    @Test
    void theModeAndCertificateAskedForAreStoredAndReadBack() {
        String authority = LocalCertificateAuthority.generate("stored").certificatePem();
        PostgresEndpoint endpoint = new PostgresEndpoint(List.of(new PostgresNode("10.0.0.5", 5432, NodeRole.PRIMARY)),
                "postgres", "admin", new SecretRef(UUID.randomUUID()), HbaManagement.EXTERNAL, SslMode.VERIFY_FULL,
                authority);
        ManagedServiceRegistered asked = read(BEFORE_SSL_MODE);
        asked = new ManagedServiceRegistered(asked.serviceId(), asked.organizationId(), asked.description(),
                asked.peeringRegion(), endpoint, null, asked.registeredAt());

        SerializedObject<byte[]> stored = serializer.serialize(asked, byte[].class);
        assertThat(new String(stored.getData(), StandardCharsets.UTF_8)).contains("\"ssl_mode\":\"VERIFY_FULL\"");
        assertThat((ManagedServiceRegistered) serializer.deserialize(stored)).isEqualTo(asked);
    }

    @Test
    void aKafkaServiceRegisteredBeforeItsSecuritySettingsIsPlaintextWithoutCredentials() {
        ManagedServiceRegistered registered = serializer.deserialize(new SimpleSerializedObject<>(
                BEFORE_SECURITY.getBytes(StandardCharsets.UTF_8), byte[].class,
                ManagedServiceRegistered.class.getName(), null));

        assertThat(registered.kafka().security()).isEqualTo(KafkaSecurity.PLAINTEXT);
        assertThat(registered.kafka().connect()).isEqualTo(new KafkaConnectEndpoint("http://10.0.0.8:8083",
                PluginInstallation.PREINSTALLED, null, "/run/connect-secrets", null, null, null));
        assertThat(registered.kafka().connect().hasCredentials()).isFalse();
    }

    @Test
    void aSaslRegistrationIsStoredWithReferencesAndReadBack() {
        SecretRef kafkaPassword = new SecretRef(UUID.randomUUID());
        SecretRef connectPassword = new SecretRef(UUID.randomUUID());
        ManagedServiceRegistered registered = new ManagedServiceRegistered(UUID.randomUUID(), UUID.randomUUID(),
                new ServiceDescription("events-kafka", ServiceType.KAFKA, "4.3", "se-sto1", null, null, null,
                        List.of("kafka-connect")), "europe", null,
                new KafkaEndpoint("10.0.0.7:9094", new KafkaConnectEndpoint("https://10.0.0.8:8443",
                        PluginInstallation.PREINSTALLED, null, "/run/connect-secrets", "connect-admin",
                        connectPassword, "-----BEGIN CERTIFICATE-----\n...\n-----END CERTIFICATE-----\n"),
                        new KafkaSecurity(KafkaSecurityProtocol.SASL_SSL, SaslMechanism.SCRAM_SHA_512, "app_user",
                                kafkaPassword, null)), Instant.parse("2026-06-22T10:00:00Z"));

        SerializedObject<byte[]> stored = serializer.serialize(registered, byte[].class);

        assertThat(new String(stored.getData(), StandardCharsets.UTF_8))
                .contains("\"protocol\":\"SASL_SSL\"", "\"mechanism\":\"SCRAM_SHA_512\"",
                        "\"password\":{\"id\":\"" + kafkaPassword.id() + "\"}");
        assertThat((ManagedServiceRegistered) serializer.deserialize(stored)).isEqualTo(registered);
    }

    private ManagedServiceRegistered read(String payload) {
        return serializer.deserialize(new SimpleSerializedObject<>(payload.getBytes(StandardCharsets.UTF_8),
                byte[].class, ManagedServiceRegistered.class.getName(), null));
    }
}
