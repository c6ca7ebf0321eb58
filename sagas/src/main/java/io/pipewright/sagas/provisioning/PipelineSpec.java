package io.pipewright.sagas.provisioning;

import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.ResourceNames;
import java.util.UUID;

/**
 * Everything a step needs to converge its resource for one pipeline. {@code paused}: the connector should be paused
 * (a pause requested through Pipewright, or the pipeline was created paused).
 */
public record PipelineSpec(UUID pipelineId, String name, PipelineConfig config, ServiceRecord source,
                           ServiceRecord sink, boolean paused) {

    /** The first eight characters of the id, as in the reference's connector name {@code mdb-pipeline-a1b2c3d4}. */
    public String shortId() {
        return ResourceNames.shortId(pipelineId);
    }

    /** Name of the role, publication and slot on the source ({@link ResourceNames#sourceResource}). */
    public String sourceResourceName() {
        return ResourceNames.sourceResource(pipelineId);
    }

    public String connectorName() {
        return ResourceNames.connector(pipelineId);
    }
}
