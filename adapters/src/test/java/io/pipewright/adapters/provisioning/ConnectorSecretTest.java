package io.pipewright.adapters.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipewright.adapters.support.InMemoryVault;
import io.pipewright.kernel.pipeline.DecimalHandlingMode;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.SnapshotMode;
import io.pipewright.kernel.policy.HostPathPolicy;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.PluginInstallation;
import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.kernel.service.ServiceType;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.ServiceRecord;
import io.pipewright.sagas.provisioning.StepFailed;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The connector's password file: only under the operator's roots, never through a link someone planted. */
class ConnectorSecretTest {

    private static final String PASSWORD = "connector-password-for-the-test";

    @TempDir
    Path temp;

    private Path root;
    private Path outside;
    private ConnectorSecret secret;

    @BeforeEach
    void roots() throws Exception {
        root = Files.createDirectories(temp.resolve("secrets-root"));
        outside = Files.createDirectories(temp.resolve("outside"));
        secret = new ConnectorSecret(new HostPathPolicy(List.of(root.toString())),
                new ConnectorCredentials(new InMemoryVault()));
    }

    @Test
    void theFileIsOwnerOnlyUnderTheRootAndTheConfigHoldsOnlyAReference() throws Exception {
        PipelineSpec pipeline = pipeline(root.resolve("worker-a"));

        String reference = secret.converge(pipeline, PASSWORD);

        Path file = root.resolve("worker-a").resolve(pipeline.sourceResourceName());
        assertThat(reference).isEqualTo("${dir:" + root.resolve("worker-a") + ":" + pipeline.sourceResourceName() + "}");
        assertThat(Files.readString(file)).isEqualTo(PASSWORD);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        secret.remove(pipeline);
        assertThat(file).doesNotExist();
    }

    @Test
    void aDirectoryOutsideTheRootsIsRefused() {
        PipelineSpec pipeline = pipeline(outside);

        assertThatThrownBy(() -> secret.converge(pipeline, PASSWORD)).isInstanceOf(StepFailed.class)
                .hasMessageContaining("allowed roots");
        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void aDirectoryThatIsASymlinkOutOfTheRootsIsRefused() throws Exception {
        Path link = Files.createSymbolicLink(root.resolve("link"), outside);
        PipelineSpec pipeline = pipeline(link);

        assertThatThrownBy(() -> secret.converge(pipeline, PASSWORD)).isInstanceOf(StepFailed.class)
                .hasMessageContaining("not under one of the allowed roots");
        assertThat(outside).isEmptyDirectory();
    }

    @Test
    void aSymlinkPlantedAtTheFilesNameIsReplacedNeverFollowed() throws Exception {
        PipelineSpec pipeline = pipeline(root);
        Path victim = Files.writeString(outside.resolve("victim"), "not yours\n");
        Path planted = Files.createSymbolicLink(root.resolve(pipeline.sourceResourceName()), victim);

        secret.converge(pipeline, PASSWORD);

        assertThat(Files.readString(victim)).isEqualTo("not yours\n");
        assertThat(Files.isRegularFile(planted, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.readString(planted)).isEqualTo(PASSWORD);
        secret.remove(pipeline);
        assertThat(victim).exists();
    }

    private static PipelineSpec pipeline(Path secretsDirectory) {
        ServiceRecord sink = new ServiceRecord(UUID.randomUUID(), new ServiceDescription("sink", ServiceType.KAFKA,
                "4", "local", null, null, null, List.of(ServiceDescription.KAFKA_CONNECT_ADDON)), "local",
                null, new KafkaEndpoint("127.0.0.1:9092", new KafkaConnectEndpoint("http://127.0.0.1:8083",
                PluginInstallation.PREINSTALLED, null, secretsDirectory.toString(), null, null, null), null),
                ServiceStatus.RUNNING, Map.of());
        PipelineConfig config = new PipelineConfig("defaultdb", List.of(), "test", SnapshotMode.INITIAL, false,
                DecimalHandlingMode.DOUBLE);
        return new PipelineSpec(UUID.randomUUID(), "secret", config, null, sink, false);
    }
}
