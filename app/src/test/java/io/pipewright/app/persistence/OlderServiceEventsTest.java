package io.pipewright.app.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.kernel.secret.SecretRef;
import io.pipewright.kernel.service.HbaManagement;
import io.pipewright.kernel.service.ManagedServiceRegistered;
import io.pipewright.kernel.service.NodeRole;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.kernel.service.SslMode;
import io.pipewright.localstack.LocalCertificateAuthority;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.junit.jupiter.api.Test;

/**
 * A {@code ManagedServiceRegistered} stored before {@code ssl_mode} existed still loads through the control plane's
 * serializer and means what its connections did before: prefer, pgjdbc's and Debezium's default, without a CA
 * certificate. The services' probing sagas store the same endpoint and read it back through the same constructor.
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

    private ManagedServiceRegistered read(String payload) {
        return serializer.deserialize(new SimpleSerializedObject<>(payload.getBytes(StandardCharsets.UTF_8),
                byte[].class, ManagedServiceRegistered.class.getName(), null));
    }
}
