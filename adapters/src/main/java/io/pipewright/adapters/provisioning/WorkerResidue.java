package io.pipewright.adapters.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.adapters.connect.ConnectClient;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.sagas.orphans.TaggedResource;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/** Pipewright's connectors on a Kafka Connect worker ({@code mdb-pipeline-...}), with the pipeline their slot names. */
@Component
class WorkerResidue {

    private static final String CONNECTOR_PREFIX = "mdb-pipeline-";

    private final ConnectClient connect;
    private final ConnectorDeployment deployment;

    WorkerResidue(ConnectClient connect, ConnectorDeployment deployment) {
        this.connect = connect;
        this.deployment = deployment;
    }

    List<TaggedResource> find(KafkaConnectEndpoint worker) {
        List<TaggedResource> found = new ArrayList<>();
        connect.connectorsWithStatusAndConfig(worker).forEach((name, expanded) -> {
            if (name.startsWith(CONNECTOR_PREFIX)) {
                JsonNode slot = expanded.path("info").path("config").path("slot.name");
                found.add(new TaggedResource(TaggedResource.CONNECTOR, name, worker.url(), null,
                        TaggedResource.idInName(slot.asText(null))));
            }
        });
        return found;
    }

    /**
     * Removed only while its {@code slot.name} still names the orphan's pipeline, as when it was found (one without a
     * pipeline's slot name only while it still has none).
     */
    void remove(KafkaConnectEndpoint worker, TaggedResource connector) {
        deployment.remove(worker, connector.name(), connector.pipelineId() == null ? null
                : "pipewright_" + connector.pipelineId().toString().replace("-", ""));
    }
}
