package io.pipewright.adapters.provisioning;

import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.ProvisioningStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.springframework.stereotype.Component;

/**
 * ensure_network for services on one network (the local stack, one VPC): there is nothing to create, so the step
 * proves the path to every node of the source and records it. The path belongs to the pair of services and is kept
 * when a pipeline is deleted. A cloud provider's peering would be created here; none is reachable from this project's
 * machines.
 */
@Component
class NetworkPathStep implements ProvisioningStep {

    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

    @Override
    public ProvisionStep step() {
        return ProvisionStep.ENSURE_NETWORK;
    }

    @Override
    public String converge(PipelineSpec pipeline) {
        for (PostgresNode node : pipeline.source().postgres().nodes()) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(node.host(), node.port()), CONNECT_TIMEOUT_MILLIS);
            } catch (IOException e) {
                throw new UncheckedIOException("source node " + node.host() + ":" + node.port()
                        + " is not reachable: " + e.getMessage(), e);
            }
        }
        return "shared network " + pipeline.source().serviceId() + " <-> " + pipeline.sink().serviceId();
    }

    /** The path is shared by every pipeline between the two services and stays, as the reference says. */
    @Override
    public void remove(PipelineSpec pipeline) {
    }
}
