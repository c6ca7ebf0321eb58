package io.pipewright.adapters.provisioning;

import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.sagas.provisioning.PipelineResource;
import io.pipewright.sagas.provisioning.ProvisioningStep;
import io.pipewright.sagas.provisioning.ResourceStep;
import java.util.List;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The reference's five provisioning steps as ordered lists of the resources they make: each is converged in this
 * order and removed in the reverse one, so a resource is made after what it needs and removed before it.
 */
@Configuration(proxyBeanMethods = false)
class ResourceSteps {

    /** ensure_network: proves the path from the sink's worker to the source (nothing is created on one network). */
    @Bean
    ProvisioningStep ensureNetwork(NetworkPath path) {
        return new ResourceStep(ProvisionStep.ENSURE_NETWORK, List.of(path), path);
    }

    /** install_plugin: the Debezium plugin on the worker, kept by a delete. */
    @Bean
    ProvisioningStep installPlugin(DebeziumPlugin plugin) {
        return new ResourceStep(ProvisionStep.INSTALL_PLUGIN, List.of(plugin), plugin);
    }

    /** prepare_source: the role, then the pg_hba.conf line that admits it; the line goes first when removed. */
    @Bean
    ProvisioningStep prepareSource(ReplicationRole role, HbaEntry hba) {
        return new ResourceStep(ProvisionStep.PREPARE_SOURCE, List.of(role, hba), role);
    }

    /**
     * create_publication: the replica identities the tables need to stay updatable once published, then the
     * publication; the publication goes first, so no pipeline of its own still publishes a table given back.
     */
    @Bean
    ProvisioningStep createPublication(ReplicaIdentity replicaIdentity, Publication publication) {
        return new ResourceStep(ProvisionStep.CREATE_PUBLICATION, List.of(replicaIdentity, publication),
                publication);
    }

    /**
     * create_connector: the slot (which the connector's task creates), the files the worker reads, then the
     * connector; removed as the connector with its offsets, its files, then the slot once the walsender let go of it.
     */
    @Bean
    ProvisioningStep createConnector(ReplicationSlot slot, ConnectorCaCertificate caCertificate,
                                     ConnectorSecret secret, ConnectorDeployment connector) {
        return new ResourceStep(ProvisionStep.CREATE_CONNECTOR,
                List.<PipelineResource<?>>of(slot, caCertificate, secret, connector), connector);
    }
}
