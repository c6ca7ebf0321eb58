package io.pipewright.adapters.provisioning;

import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.ProvisioningStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * create_connector: the Debezium connector of the pipeline, named as in the reference. It reads the platform's
 * publication (autocreate disabled: a plain replication role may not create one) through a failover slot named after
 * the pipeline, on the source's current primary. An existing connector with the desired config is left alone; with
 * another config it is converged. Done when the connector and every task run, or are paused for a pipeline that
 * should be paused (created so, it never streamed a row). A connector of the same name that is another pipeline's
 * fails the step and is left as it is, by the teardown too.
 */
@Component
class ConnectorStep implements ProvisioningStep {

    static final String RUNNING = "RUNNING";
    static final String FAILED = "FAILED";
    static final String PAUSED = "PAUSED";
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorStep.class);

    private final ConnectorDeployment deployment;
    private final ConnectorSecret secret;
    private final ConnectorCaCertificate caCertificate;
    private final ReplicationSlots slots;
    private final SourceAdmin admin;

    ConnectorStep(ConnectorDeployment deployment, ConnectorSecret secret, ConnectorCaCertificate caCertificate,
                  ReplicationSlots slots, SourceAdmin admin) {
        this.deployment = deployment;
        this.secret = secret;
        this.caCertificate = caCertificate;
        this.slots = slots;
        this.admin = admin;
    }

    @Override
    public ProvisionStep step() {
        return ProvisionStep.CREATE_CONNECTOR;
    }

    @Override
    public String converge(PipelineSpec pipeline) {
        deployment.converge(pipeline, admin.primary(pipeline.source().postgres()), false);
        return pipeline.connectorName();
    }

    /**
     * The connector with its offsets, its secret and CA certificate files, then its slot once the walsender let go of
     * it (Connect never drops it). A connector of the same name that is another pipeline's is not this one's to delete.
     */
    @Override
    public void remove(PipelineSpec pipeline) {
        if (!deployment.remove(pipeline.sink().kafka().connect(), pipeline.connectorName(),
                pipeline.sourceResourceName())) {
            LOG.warn("Pipeline {}: connector {} on the worker is another pipeline's; left in place", 
                    pipeline.pipelineId(), pipeline.connectorName());
        }
        secret.remove(pipeline);
        caCertificate.remove(pipeline);
        slots.drop(pipeline.source().postgres(), pipeline.sourceResourceName());
    }
}
