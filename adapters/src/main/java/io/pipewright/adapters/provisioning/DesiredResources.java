package io.pipewright.adapters.provisioning;

import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.sagas.provisioning.PipelineSpec;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * A pipeline's resources as its steps converge them, computed without touching anything, for the drift check to
 * compare with what it finds: the pg_hba line and the connector config (the password as the reference the worker
 * resolves, never the password).
 */
@Component
public class DesiredResources {

    private final ConnectorCaCertificate caCertificate;

    DesiredResources(ConnectorCaCertificate caCertificate) {
        this.caCertificate = caCertificate;
    }

    /** The line prepare_source writes, tagged with the pipeline's id. */
    public String hbaLine(PipelineSpec pipeline) {
        return HbaEntry.desiredLine(pipeline, pipeline.sourceResourceName());
    }

    /** The tag that ends the pipeline's line. */
    public String hbaTag(PipelineSpec pipeline) {
        return HbaEntry.tag(pipeline);
    }

    /**
     * The config create_connector converges, pointing at {@code primary}; a pipeline capturing all tables has no
     * table list of its own ({@code table.exclude.list} follows the tables the health round leaves out).
     */
    public Map<String, String> connectorConfig(PipelineSpec pipeline, PostgresNode primary) {
        return ConnectorDeployment.desiredConfig(pipeline, primary, ConnectorSecret.reference(pipeline),
                caCertificate.path(pipeline), List.of());
    }
}
