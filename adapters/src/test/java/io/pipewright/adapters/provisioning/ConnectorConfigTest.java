package io.pipewright.adapters.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.kernel.pipeline.DecimalHandlingMode;
import io.pipewright.kernel.pipeline.ResourceNames;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.SnapshotMode;
import io.pipewright.kernel.secret.SecretRef;
import io.pipewright.kernel.service.HbaManagement;
import io.pipewright.kernel.service.NodeRole;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.kernel.service.SslMode;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.ServiceRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The Debezium connector config the control plane asks the worker for carries the pipeline's own settings and the
 * source's TLS: its ssl_mode, and its CA certificate only as the file the worker reads.
 */
class ConnectorConfigTest {

    private static final PostgresNode PRIMARY = new PostgresNode("10.0.0.5", 5432, NodeRole.PRIMARY);

    @Test
    void numericValuesArriveAsThePipelineAsked() {
        for (DecimalHandlingMode mode : DecimalHandlingMode.values()) {
            assertThat(desired(mode)).containsEntry("decimal.handling.mode", mode.debeziumValue());
        }
    }

    @Test
    void aPipelineRecordedBeforeTheFieldKeepsTheStringsItsConnectorWasCreatedWith() {
        assertThat(desired(null)).containsEntry("decimal.handling.mode", "string")
                .containsEntry("snapshot.mode", "no_data")
                .containsEntry("value.converter.schemas.enable", "false");
    }

    @Test
    void theSourcesSslModeReachesTheConnectorWithItsCaCertificateAsAFileOnly() {
        String file = "/run/connect-secrets/pipewright_x" + ResourceNames.CA_CERTIFICATE_SUFFIX;
        Map<String, String> verifying = desired(DecimalHandlingMode.DOUBLE, SslMode.VERIFY_FULL, Optional.of(file));
        assertThat(verifying).containsEntry("database.sslmode", "verify-full")
                .containsEntry("database.sslrootcert", file);
        assertThat(verifying.values()).noneMatch(value -> value.contains("BEGIN CERTIFICATE"));

        assertThat(desired(DecimalHandlingMode.DOUBLE, SslMode.REQUIRE, Optional.empty()))
                .containsEntry("database.sslmode", "require").doesNotContainKey("database.sslrootcert");
        assertThat(desired(DecimalHandlingMode.DOUBLE, null, Optional.empty()))
                .containsEntry("database.sslmode", "prefer");
    }

    private static Map<String, String> desired(DecimalHandlingMode mode) {
        return desired(mode, SslMode.REQUIRE, Optional.empty());
    }

    private static Map<String, String> desired(DecimalHandlingMode mode, SslMode sslMode,
                                               Optional<String> caCertificateFile) {
        PipelineConfig config = new PipelineConfig("defaultdb", List.of("public.orders"), "shop",
                SnapshotMode.NO_DATA, false, mode);
        String caCertificate = caCertificateFile.map(file -> "-----BEGIN CERTIFICATE-----\n...").orElse(null);
        ServiceRecord source = new ServiceRecord(UUID.randomUUID(), null, "local", new PostgresEndpoint(
                List.of(PRIMARY), "postgres", "admin", new SecretRef(UUID.randomUUID()), HbaManagement.EXTERNAL,
                sslMode, caCertificate), null, ServiceStatus.RUNNING, Map.of());
        return ConnectorDeployment.desiredConfig(new PipelineSpec(UUID.randomUUID(), "orders-cdc", config, source,
                null, false), PRIMARY, "unused", caCertificateFile, List.of());
    }
}
