package io.pipewright.adapters.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.kernel.pipeline.DecimalHandlingMode;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.SnapshotMode;
import io.pipewright.kernel.service.NodeRole;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.sagas.provisioning.PipelineSpec;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The Debezium connector config the control plane asks the worker for carries the pipeline's own settings. */
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

    private static Map<String, String> desired(DecimalHandlingMode mode) {
        PipelineConfig config = new PipelineConfig("defaultdb", List.of("public.orders"), "shop",
                SnapshotMode.NO_DATA, false, mode);
        return ConnectorDeployment.desiredConfig(new PipelineSpec(UUID.randomUUID(), "orders-cdc", config, null, null,
                false), PRIMARY, "unused", List.of());
    }
}
