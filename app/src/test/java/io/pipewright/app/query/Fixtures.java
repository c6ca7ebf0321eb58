package io.pipewright.app.query;

import io.pipewright.kernel.pipeline.DecimalHandlingMode;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.PipelineCreated;
import io.pipewright.kernel.pipeline.SnapshotMode;
import io.pipewright.kernel.secret.SecretRef;
import io.pipewright.kernel.service.HbaManagement;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.ManagedServiceRegistered;
import io.pipewright.kernel.service.NodeRole;
import io.pipewright.kernel.service.PluginInstallation;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceType;
import io.pipewright.kernel.service.SslMode;
import io.pipewright.localstack.LocalCertificateAuthority;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Realistic events, after the reference's example. */
final class Fixtures {

    /** The test admin's organization (app/src/test/resources/config/application.yml). */
    static final UUID ORGANIZATION = UUID.fromString("5b1c6a8e-0a3f-4f4e-9d1c-2f1e7c0d9a11");
    static final UUID OTHER_ORGANIZATION = UUID.fromString("0d0e6b52-93a4-4d8e-a3f5-6c1f3f2b7e40");

    /** The authority a fixture source's certificate is verified with. */
    static final String CA_CERTIFICATE = LocalCertificateAuthority.generate("Pipewright fixture CA").certificatePem();

    private Fixtures() {
    }

    static PipelineCreated pipelineCreated(UUID pipelineId, UUID organizationId, String name, Instant at) {
        return new PipelineCreated(pipelineId, organizationId, name, "cdc_pg_to_kafka", UUID.randomUUID(),
                UUID.randomUUID(), new PipelineConfig("defaultdb", List.of("public.orders", "public.customers"),
                "shop", SnapshotMode.INITIAL, false, DecimalHandlingMode.DOUBLE), false, at);
    }

    static ManagedServiceRegistered postgresRegistered(UUID serviceId, UUID organizationId, String name, Instant at) {
        return new ManagedServiceRegistered(serviceId, organizationId,
                new ServiceDescription(name, ServiceType.POSTGRESQL, "17", "se-sto1", "tier-2", 100, "maxiops",
                        List.of()),
                "europe",
                new PostgresEndpoint(List.of(new PostgresNode("10.0.0.5", 5432, NodeRole.PRIMARY),
                        new PostgresNode("10.0.0.6", 5432, NodeRole.STANDBY)), "postgres", "pipewright_admin",
                        new SecretRef(UUID.randomUUID()), HbaManagement.SUPERUSER_SQL, SslMode.VERIFY_FULL,
                        CA_CERTIFICATE),
                null, at);
    }

    static ManagedServiceRegistered kafkaRegistered(UUID serviceId, UUID organizationId, String name, Instant at) {
        return new ManagedServiceRegistered(serviceId, organizationId,
                new ServiceDescription(name, ServiceType.KAFKA, "3.9", "se-sto1", "tier-3", 200, "maxiops",
                        List.of(ServiceDescription.KAFKA_CONNECT_ADDON)),
                "europe", null,
                new KafkaEndpoint("10.0.1.5:9092", new KafkaConnectEndpoint("http://10.0.1.5:8083",
                        PluginInstallation.SHARED_DIRECTORY, "/opt/kafka-connect/plugins", "/run/connect-secrets",
                        null, null, null), null),
                at);
    }
}
