package io.pipewright.adapters.provisioning;

import io.pipewright.adapters.connect.ConnectClient;
import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.ProvisioningStep;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * create_connector: the Debezium connector of the pipeline, named as in the reference. It reads the platform's
 * publication (autocreate disabled: a plain replication role may not create one) through a failover slot named after
 * the pipeline, on the source's current primary. An existing connector with the desired config is left alone; with
 * another config it is converged. Done when the connector and every task run, or are paused for a pipeline that
 * should be paused (created so, it never streamed a row).
 */
@Component
class ConnectorStep implements ProvisioningStep {

    static final String RUNNING = "RUNNING";
    static final String FAILED = "FAILED";
    static final String STOPPED = "STOPPED";
    static final String PAUSED = "PAUSED";
    private static final Duration RUNNING_WITHIN = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(500);

    private final ConnectClient connect;
    private final ConnectorDeployment deployment;
    private final ReplicationSlots slots;
    private final SourceAdmin admin;

    ConnectorStep(ConnectClient connect, ConnectorDeployment deployment, ReplicationSlots slots, SourceAdmin admin) {
        this.connect = connect;
        this.deployment = deployment;
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
     * Stops the connector, deletes its offsets, deletes it, then drops its slot once the walsender let go of it
     * (Connect and Debezium never drop it; an active slot cannot be dropped).
     */
    @Override
    public void remove(PipelineSpec pipeline) {
        String url = pipeline.sink().kafka().connect().url();
        String name = pipeline.connectorName();
        if (connect.config(url, name).isPresent()) {
            connect.stop(url, name);
            awaitStopped(url, name);
            connect.deleteOffsets(url, name);
            connect.delete(url, name);
        }
        slots.drop(pipeline, pipeline.sourceResourceName());
    }

    private void awaitStopped(String url, String name) {
        Instant deadline = Instant.now().plus(RUNNING_WITHIN);
        while (Instant.now().isBefore(deadline)) {
            Optional<ConnectClient.ConnectorStatus> status = connect.status(url, name);
            if (status.isEmpty() || STOPPED.equals(status.get().state())) {
                return;
            }
            Waiting.pause(POLL, "the connector");
        }
        throw new IllegalStateException("connector " + name + " did not stop within " + RUNNING_WITHIN.toSeconds()
                + " s");
    }
}
