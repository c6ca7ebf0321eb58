package io.pipewright.app.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.kernel.pipeline.DecimalHandlingMode;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.PipelineCreated;
import io.pipewright.kernel.pipeline.SnapshotMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.junit.jupiter.api.Test;

/**
 * A {@code PipelineCreated} stored before a config field existed still loads through the control plane's serializer
 * and means what the pipeline did before (for {@code decimal_handling_mode}: string, what its connector was created
 * with); a saga's stored config reads back through the same record constructor.
 */
class OlderPipelineEventsTest {

    /** A payload as the control plane stored it before {@code decimal_handling_mode} existed. */
    private static final String BEFORE_DECIMAL_HANDLING_MODE = """
            {"pipeline_id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890",
             "organization_id":"0b0c0d0e-0000-4000-8000-000000000001","name":"orders-cdc",
             "pipeline_type":"cdc_pg_to_kafka","source_service_id":"0b0c0d0e-0000-4000-8000-000000000002",
             "sink_service_id":"0b0c0d0e-0000-4000-8000-000000000003",
             "config":{"database_name":"defaultdb","tables":["public.orders"],"topic_prefix":"shop",
                       "snapshot_mode":"INITIAL","replica_identity_full":true},
             "paused":false,"created_at":"2026-06-22T10:00:00Z"}""";

    private final Serializer serializer = new AxonSerialization().serializer();

    @Test
    void aPipelineCreatedBeforeDecimalHandlingModeKeepsTheStringsItsConnectorWrites() {
        PipelineCreated created = read(BEFORE_DECIMAL_HANDLING_MODE);

        assertThat(created.config().decimalHandlingMode()).isEqualTo(DecimalHandlingMode.STRING);
        assertThat(created.config().tables()).isEqualTo(List.of("public.orders"));
        assertThat(created.config().snapshotMode()).isEqualTo(SnapshotMode.INITIAL);
        assertThat(created.config().replicaIdentityFull()).isTrue();
    }

    @Test
    void theModeAskedForIsStoredAndReadBack() {
        PipelineCreated asked = new PipelineCreated(UUID.randomUUID(), UUID.randomUUID(), "orders-cdc",
                "cdc_pg_to_kafka", UUID.randomUUID(), UUID.randomUUID(), new PipelineConfig("defaultdb",
                List.of("public.orders"), "shop", SnapshotMode.INITIAL, false, DecimalHandlingMode.PRECISE),
                false, Instant.parse("2026-06-22T10:00:00Z"));

        SerializedObject<byte[]> stored = serializer.serialize(asked, byte[].class);
        assertThat(new String(stored.getData(), StandardCharsets.UTF_8))
                .contains("\"decimal_handling_mode\":\"PRECISE\"");
        assertThat((PipelineCreated) serializer.deserialize(stored)).isEqualTo(asked);
    }

    private PipelineCreated read(String payload) {
        return serializer.deserialize(new SimpleSerializedObject<>(payload.getBytes(StandardCharsets.UTF_8),
                byte[].class, PipelineCreated.class.getName(), null));
    }
}
