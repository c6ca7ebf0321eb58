package io.pipewright.sagas.provisioning;

import io.pipewright.kernel.pipeline.PipelineConfig;
import java.util.UUID;

/**
 * Everything a step needs to converge its resource for one pipeline. {@code paused}: the connector should be paused
 * (a pause requested through Pipewright, or the pipeline was created paused).
 */
public record PipelineSpec(UUID pipelineId, String name, PipelineConfig config, ServiceRecord source,
                           ServiceRecord sink, boolean paused) {

    /** The first eight characters of the id, as in the reference's connector name {@code mdb-pipeline-a1b2c3d4}. */
    public String shortId() {
        return pipelineId.toString().substring(0, 8);
    }

    /** Name of the role, publication and slot on the source; carries the id so they can be found and counted. */
    public String sourceResourceName() {
        return "pipewright_" + pipelineId.toString().replace("-", "");
    }

    public String connectorName() {
        return "mdb-pipeline-" + shortId();
    }
}
