package io.pipewright.app.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.kernel.secret.SecretRef;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.KafkaSecurity;
import io.pipewright.kernel.service.KafkaSecurityProtocol;
import io.pipewright.kernel.service.ManagedServiceRegistered;
import io.pipewright.kernel.service.PluginInstallation;
import io.pipewright.kernel.service.SaslMechanism;
import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.junit.jupiter.api.Test;

/**
 * A Kafka service registered before its security settings existed still loads through the control plane's serializer
 * and means what it did then: PLAINTEXT, no login, a Connect REST API without credentials. A registration with them
 * is stored with its passwords as vault references only and reads back the same.
 */
class OlderServiceEventsTest {

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
}
