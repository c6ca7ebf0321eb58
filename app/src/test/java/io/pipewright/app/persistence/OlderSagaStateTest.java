package io.pipewright.app.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.sagas.provisioning.PipelineSaga;
import java.nio.charset.StandardCharsets;
import org.axonframework.serialization.SerializedObject;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.junit.jupiter.api.Test;

/**
 * A pipeline's saga stored before its phases had classes of their own (flat fields) reads into the phases through the
 * control plane's serializer and is stored again in the same flat shape, so a control plane upgraded in the middle of
 * a provisioning, a failover or a teardown carries on where the previous version stopped.
 */
class OlderSagaStateTest {

    /** The state of a saga mid-teardown with a failover in flight, as the control plane stored it before. */
    private static final String BEFORE_PHASES = """
            {"pipeline_id":"a1b2c3d4-e5f6-7890-abcd-ef1234567890",
             "organization_id":"0b0c0d0e-0000-4000-8000-000000000001","name":"orders-cdc",
             "config":{"database_name":"defaultdb","tables":["public.orders"],"topic_prefix":"shop",
                       "snapshot_mode":"INITIAL","replica_identity_full":false,"decimal_handling_mode":"DOUBLE"},
             "source_service_id":"0b0c0d0e-0000-4000-8000-000000000002",
             "sink_service_id":"0b0c0d0e-0000-4000-8000-000000000003",
             "step":"CREATE_PUBLICATION","attempts":3,"torn_down":1,"pause_requested":true,"restarts":2,
             "last_restart_at":"2026-06-22T10:00:00Z","failing_over_to":{"host":"10.0.0.7","port":5433},
             "repoint_attempts":4,"deleting":true,"waiting_for_services":false}""";

    private final Serializer serializer = new AxonSerialization().serializer();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void anOlderSagaKeepsItsStepTeardownProgressPauseRestartsAndFailover() throws Exception {
        PipelineSaga saga = serializer.deserialize(new SimpleSerializedObject<>(
                BEFORE_PHASES.getBytes(StandardCharsets.UTF_8), byte[].class, PipelineSaga.class.getName(), null));

        JsonNode stored = stored(saga);

        assertThat(stored.get("step").asText()).isEqualTo("CREATE_PUBLICATION");
        assertThat(stored.get("attempts").asInt()).isEqualTo(3);
        assertThat(stored.get("torn_down").asInt()).isEqualTo(1);
        assertThat(stored.get("deleting").asBoolean()).isTrue();
        assertThat(stored.get("pause_requested").asBoolean()).isTrue();
        assertThat(stored.get("restarts").asInt()).isEqualTo(2);
        assertThat(stored.get("last_restart_at").asText()).isEqualTo("2026-06-22T10:00:00Z");
        assertThat(stored.get("failing_over_to").get("port").asInt()).isEqualTo(5433);
        assertThat(stored.get("repoint_attempts").asInt()).isEqualTo(4);
        assertThat(stored.get("waiting_for_services").asBoolean()).isFalse();
        assertThat(stored.get("config").get("topic_prefix").asText()).isEqualTo("shop");
        assertThat(stored.has("provisioning")).as("phases are stored flat, not nested").isFalse();
    }

    private JsonNode stored(PipelineSaga saga) throws Exception {
        SerializedObject<byte[]> again = serializer.serialize(saga, byte[].class);
        return json.readTree(again.getData());
    }
}
