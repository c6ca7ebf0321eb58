package io.pipewright.adapters.provisioning;

import io.pipewright.adapters.connect.ConnectClient;
import io.pipewright.kernel.pipeline.ResourceNames;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.sagas.orphans.TaggedResource;
import io.pipewright.sagas.provisioning.PipelineResource;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.ServiceRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

/**
 * The network path of ensure_network, for services on one network (the local stack, one VPC): there is nothing to create, so the step
 * proves the path to every node of the source and records it. From the worker's side when it can: with the Debezium
 * plugin already on the worker, Connect's config validation makes the worker itself connect to the node, as a user
 * that does not exist, so no secret travels; being refused by PostgreSQL proves the path. Before the plugin is there
 * (the first pipeline on a worker), the control plane connects instead, and create_connector proves it from the
 * worker once more. The path belongs to the pair of services and is kept when a pipeline is deleted. A cloud
 * provider's peering would be created here; none is reachable from this project's machines.
 */
@Component
class NetworkPath implements PipelineResource<String> {

    static final String KIND = "network_path";
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    /** PostgreSQL itself refused the unknown user (a FATAL from the server): the worker reached it. */
    private static final Pattern REACHED = Pattern.compile("FATAL:|password authentication failed");

    private final ConnectClient connect;

    NetworkPath(ConnectClient connect) {
        this.connect = connect;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** A path from the sink's worker to every node of the source. */
    @Override
    public String desired(PipelineSpec pipeline) {
        return "source " + pipeline.source().serviceId() + " reachable from the Kafka Connect worker of "
                + pipeline.sink().serviceId();
    }

    /** Proves the path as converging does; empty when a node cannot be reached. */
    @Override
    public Optional<String> observe(PipelineSpec pipeline) {
        try {
            return Optional.of(converge(pipeline));
        } catch (IllegalStateException | UncheckedIOException unreachable) {
            return Optional.empty();
        }
    }

    @Override
    public String converge(PipelineSpec pipeline) {
        KafkaConnectEndpoint worker = pipeline.sink().kafka().connect();
        boolean fromWorker = connect.pluginClasses(worker).contains(DebeziumPlugin.CONNECTOR_CLASS);
        for (PostgresNode node : pipeline.source().postgres().nodes()) {
            if (fromWorker) {
                requireReachableFromWorker(worker, pipeline, node);
            } else {
                requireReachableFromControlPlane(node);
            }
        }
        return (fromWorker ? "worker" : "control plane") + " reaches source " + pipeline.source().serviceId()
                + " (shared network with " + pipeline.sink().serviceId() + ")";
    }

    private void requireReachableFromWorker(KafkaConnectEndpoint worker, PipelineSpec pipeline, PostgresNode node) {
        Map<String, List<String>> errors = connect.validate(worker, DebeziumPlugin.CONNECTOR_CLASS, Map.of(
                "connector.class", DebeziumPlugin.CONNECTOR_CLASS,
                "database.hostname", node.host(),
                "database.port", String.valueOf(node.port()),
                "database.user", ResourceNames.NETWORK_PROBE_USER,
                "database.password", "",
                "database.dbname", pipeline.config().databaseName(),
                "topic.prefix", pipeline.config().topicPrefix(),
                "plugin.name", "pgoutput"));
        List<String> connection = errors.getOrDefault("database.hostname", List.of());
        boolean reached = connection.isEmpty() || connection.stream().anyMatch(error -> REACHED.matcher(error).find());
        if (!reached) {
            throw new IllegalStateException("the Kafka Connect worker cannot reach source node " + node.host() + ":"
                    + node.port() + ": " + String.join("; ", connection));
        }
    }

    private static void requireReachableFromControlPlane(PostgresNode node) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(node.host(), node.port()), CONNECT_TIMEOUT_MILLIS);
        } catch (IOException e) {
            throw new UncheckedIOException("source node " + node.host() + ":" + node.port()
                    + " is not reachable: " + e.getMessage(), e);
        }
    }

    /** The path is shared by every pipeline between the two services and stays, as the reference says. */
    @Override
    public void remove(PipelineSpec pipeline) {
    }

    /** None: nothing is created for the path on these networks, so nothing carries a tag. */
    @Override
    public List<TaggedResource> discoverTagged(ServiceRecord service) {
        return List.of();
    }
}
