package io.pipewright.sagas.health;

import io.pipewright.kernel.pipeline.SourceNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** The health monitor's durable schedule and measurements, shared by every control-plane node. */
public interface MonitoredPipelines {

    /**
     * Up to {@code limit} pipelines whose check is due, each moved {@code interval} ahead in the same statement, so
     * concurrent rounds (on other nodes) never take the same pipeline.
     */
    List<MonitoredPipeline> claimDue(int limit, Duration interval);

    /** Every monitored pipeline of a source, for the primary watch. */
    List<MonitoredPipeline> ofSource(UUID sourceServiceId);

    List<UUID> monitoredSources();

    void recordCheck(UUID pipelineId, Measurement measurement, Instant checkedAt);

    /** What one check measured; null where it could not (the worker or the source did not answer). */
    record Measurement(Long sourceLagBytes, Long retainedWalBytes, SourceNode connectedTo) {
    }
}
