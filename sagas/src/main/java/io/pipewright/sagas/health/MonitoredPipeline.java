package io.pipewright.sagas.health;

import io.pipewright.kernel.MessageMetadata;
import io.pipewright.kernel.pipeline.ResourceNames;
import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.pipeline.TaskState;
import java.util.List;
import java.util.UUID;
import org.axonframework.messaging.MetaData;

/**
 * A Running or Paused pipeline (or a Failed one that may own a slot) as the health monitor knows it: where its
 * connector and slot are, what its events last recorded of the connector, whether it was paused through Pipewright (so
 * its connector must stay paused), and where the connector points ({@code connectedTo}, null before the first check).
 * {@code organizationId} names it in the round's commands and log lines (null for a row written before it was recorded
 * and not rebuilt since). Its slot: {@code slotExpected} once a check saw it (the connector's task creates it when it
 * starts; after a re-snapshot, once a check saw the new one), {@code slotSeenOn} the primary a check last saw it on
 * with {@code slotConfirmedLsn} confirmed, and {@code dataGapOpen} while a data gap is recorded and not healed.
 */
public record MonitoredPipeline(UUID pipelineId, UUID organizationId, UUID sourceServiceId, UUID sinkServiceId,
                                String recordedState, List<TaskState> recordedTasks, String recordedError,
                                boolean pauseRequested, SourceNode connectedTo, boolean slotExpected,
                                SourceNode slotSeenOn, String slotConfirmedLsn, boolean dataGapOpen) {

    public MonitoredPipeline {
        recordedTasks = recordedTasks == null ? List.of() : List.copyOf(recordedTasks);
    }

    /** A command about this pipeline from {@code actor}: it names the organization for what the command causes. */
    public MetaData commandMetaData(String actor) {
        return MessageMetadata.of(actor, organizationId);
    }

    public String connectorName() {
        return ResourceNames.connector(pipelineId);
    }

    public String slotName() {
        return ResourceNames.sourceResource(pipelineId);
    }
}
