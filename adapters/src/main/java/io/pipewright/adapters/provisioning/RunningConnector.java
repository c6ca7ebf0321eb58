package io.pipewright.adapters.provisioning;

import io.pipewright.adapters.connect.ConnectClient;
import io.pipewright.adapters.connect.ConnectorTraces;
import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.kernel.pipeline.ConnectorHealth;
import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.sagas.provisioning.ConnectorControl;
import io.pipewright.sagas.provisioning.PipelineSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * A provisioned pipeline's connector: observed, paused and resumed, restarted, stopped when the pipeline failed for
 * good and resumed by its restart, re-pointed after a failover. A connector
 * of the same name that is another pipeline's (see {@link ConnectorDeployment}) is observed as missing, with a text
 * that says so, and is never paused, resumed or restarted: that fails with
 * {@link io.pipewright.sagas.provisioning.StepFailed}.
 */
@Component
class RunningConnector implements ConnectorControl {

    private static final Duration TAKES_EFFECT_WITHIN = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(250);

    private final ConnectClient connect;
    private final ConnectorDeployment deployment;
    private final ReplicationRole role;
    private final HbaEntry hba;
    private final ConnectorCredentials credentials;
    private final SourceAdmin admin;

    RunningConnector(ConnectClient connect, ConnectorDeployment deployment, ReplicationRole role, HbaEntry hba,
                     ConnectorCredentials credentials, SourceAdmin admin) {
        this.connect = connect;
        this.deployment = deployment;
        this.role = role;
        this.hba = hba;
        this.credentials = credentials;
        this.admin = admin;
    }

    @Override
    public ConnectorStatus observe(PipelineSpec pipeline) {
        Instant observedAt = Instant.now();
        Optional<Map<String, String>> config = connect.config(worker(pipeline), pipeline.connectorName());
        if (config.isPresent() && !ConnectorDeployment.owns(pipeline.sourceResourceName(), config.get())) {
            return new ConnectorStatus(ConnectorHealth.MISSING, List.of(),
                    ConnectorDeployment.notOwnedMessage(pipeline, config.get()), observedAt);
        }
        return connect.status(worker(pipeline), pipeline.connectorName())
                .map(status -> new ConnectorStatus(status.state(), status.tasks(), ConnectorHealth.healthy(
                        status.state(), status.tasks()) ? null : ConnectorTraces.excerpt(status.firstTrace(),
                        credentials.password(pipeline)), observedAt))
                .orElse(new ConnectorStatus(ConnectorHealth.MISSING, List.of(), "connector "
                        + pipeline.connectorName() + " is not on the Kafka Connect worker", observedAt));
    }

    /**
     * Connect's pause and resume are idempotent, and take effect asynchronously: the connector first, its tasks after.
     * A connector seen in the opposite state meanwhile was paused or resumed again on the worker (by an operator, a
     * script): asked once more, so the wait ends as soon as the pipeline's wish holds, not at the bound. A task that
     * fails meanwhile ends the wait; the health check takes it from there.
     */
    @Override
    public ConnectorStatus applyDesiredState(PipelineSpec pipeline) {
        deployment.ownConfig(pipeline);
        String opposite = pipeline.paused() ? ConnectorHealth.RUNNING : ConnectorHealth.PAUSED;
        Instant deadline = Instant.now().plus(TAKES_EFFECT_WITHIN);
        ConnectorStatus status = new ConnectorStatus(opposite, List.of(), null, Instant.now());
        while (true) {
            if (opposite.equals(status.state())) {
                requestDesiredState(pipeline);
            }
            status = observe(pipeline);
            if (status.inDesiredState(pipeline.paused()) || !status.healthy() || !Instant.now().isBefore(deadline)) {
                return status;
            }
            Waiting.pause(POLL, "the connector");
        }
    }

    private void requestDesiredState(PipelineSpec pipeline) {
        if (pipeline.paused()) {
            connect.pause(worker(pipeline), pipeline.connectorName());
        } else {
            connect.resume(worker(pipeline), pipeline.connectorName());
        }
    }

    @Override
    public void restartFailed(PipelineSpec pipeline) {
        if (deployment.ownConfig(pipeline).isEmpty()) {
            deployment.converge(pipeline, admin.primary(pipeline.source().postgres()), false);
        } else if (connect.status(worker(pipeline), pipeline.connectorName())
                .filter(status -> ConnectorHealth.STOPPED.equals(status.state())).isPresent()) {
            connect.resume(worker(pipeline), pipeline.connectorName());
        } else {
            connect.restart(worker(pipeline), pipeline.connectorName(), true);
        }
    }

    @Override
    public void stop(PipelineSpec pipeline) {
        if (deployment.ownConfig(pipeline).isPresent()) {
            connect.stop(worker(pipeline), pipeline.connectorName());
        }
    }

    @Override
    public void repoint(PipelineSpec pipeline, SourceNode primary) {
        PostgresNode current = admin.primary(pipeline.source().postgres());
        if (!new SourceNode(current.host(), current.port()).equals(primary)) {
            throw new IllegalStateException("the source's primary is now " + current.host() + ":" + current.port()
                    + ", not " + primary);
        }
        role.converge(pipeline);
        hba.converge(pipeline);
        deployment.converge(pipeline, current, true);
    }

    private static KafkaConnectEndpoint worker(PipelineSpec pipeline) {
        return pipeline.sink().kafka().connect();
    }
}
