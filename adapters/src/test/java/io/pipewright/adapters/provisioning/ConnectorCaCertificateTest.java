package io.pipewright.adapters.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.kernel.pipeline.DecimalHandlingMode;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.SnapshotMode;
import io.pipewright.kernel.policy.HostPathPolicy;
import io.pipewright.kernel.secret.SecretRef;
import io.pipewright.kernel.service.HbaManagement;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.NodeRole;
import io.pipewright.kernel.service.PluginInstallation;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.kernel.service.SslMode;
import io.pipewright.localstack.LocalCertificateAuthority;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.ServiceRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The source's CA certificate for the connector: a file in the secrets directory for the verifying modes only. */
class ConnectorCaCertificateTest {

    private static final String AUTHORITY = LocalCertificateAuthority.generate("connector test").certificatePem();

    @TempDir
    Path root;

    @Test
    void aVerifyingSourcesCertificateIsAnOwnerOnlyFileWhosePathTheConnectorGets() throws Exception {
        ConnectorCaCertificate certificate = new ConnectorCaCertificate(new HostPathPolicy(List.of(root.toString())));
        PipelineSpec pipeline = pipeline(SslMode.VERIFY_FULL, AUTHORITY);

        Path file = root.resolve(pipeline.sourceResourceName() + ".ca.crt");
        assertThat(certificate.write(pipeline)).hasValue(file.toString());
        assertThat(Files.readString(file)).isEqualTo(AUTHORITY);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");

        certificate.remove(pipeline);
        assertThat(file).doesNotExist();
    }

    @Test
    void aSourceThatDoesNotVerifyItsServerGetsNoFile() throws Exception {
        ConnectorCaCertificate certificate = new ConnectorCaCertificate(new HostPathPolicy(List.of(root.toString())));
        PipelineSpec pipeline = pipeline(SslMode.REQUIRE, null);

        assertThat(certificate.write(pipeline)).isEmpty();
        assertThat(root).isEmptyDirectory();
        certificate.remove(pipeline);
    }

    private PipelineSpec pipeline(SslMode sslMode, String caCertificate) {
        ServiceRecord source = new ServiceRecord(UUID.randomUUID(), null, "local", new PostgresEndpoint(
                List.of(new PostgresNode("127.0.0.1", 5432, NodeRole.PRIMARY)), "postgres", "admin",
                new SecretRef(UUID.randomUUID()), HbaManagement.EXTERNAL, sslMode, caCertificate), null,
                ServiceStatus.RUNNING, Map.of());
        ServiceRecord sink = new ServiceRecord(UUID.randomUUID(), null, "local", null,
                new KafkaEndpoint("127.0.0.1:9092", new KafkaConnectEndpoint("http://127.0.0.1:8083",
                        PluginInstallation.PREINSTALLED, null, root.toString(), null, null, null), null),
                ServiceStatus.RUNNING, Map.of());
        return new PipelineSpec(UUID.randomUUID(), "ca", new PipelineConfig("defaultdb", List.of(), "test",
                SnapshotMode.INITIAL, false, DecimalHandlingMode.DOUBLE), source, sink, false);
    }
}
