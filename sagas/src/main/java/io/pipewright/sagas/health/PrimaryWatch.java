package io.pipewright.sagas.health;

import io.pipewright.kernel.pipeline.DetectFailover;
import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.sagas.provisioning.ServiceDirectory;
import io.pipewright.sagas.provisioning.ServiceRecord;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Watches the primary of every source with monitored pipelines, more often than the health check: a connector that
 * points elsewhere than the current primary is reported as a failover (once; the pipeline ignores repeats). Sources
 * are asked side by side ({@code pipewright.health.parallelism} at a time), each lookup bounded
 * ({@code pipewright.health.call-timeout}), so a hung source delays only its own pipelines.
 */
@Component
public class PrimaryWatch implements DisposableBean {

    static final String PRIMARY_WATCH = "primary-watch";
    private static final Logger LOG = LoggerFactory.getLogger(PrimaryWatch.class);

    private final MonitoredPipelines monitored;
    private final ServiceDirectory services;
    private final PrimaryLocator locator;
    private final CommandGateway commands;
    private final BoundedCalls calls;

    PrimaryWatch(MonitoredPipelines monitored, ServiceDirectory services, PrimaryLocator locator,
                 CommandGateway commands, @Value("${pipewright.health.parallelism:8}") int parallelism,
                 @Value("${pipewright.health.call-timeout:PT2M}") Duration callTimeout) {
        this.monitored = monitored;
        this.services = services;
        this.locator = locator;
        this.commands = commands;
        this.calls = new BoundedCalls("primary-watch", parallelism, callTimeout, LOG);
    }

    @Override
    public void destroy() {
        calls.close();
    }

    /** Returns how many failovers were reported. */
    public int run() {
        Map<UUID, BoundedCalls.Call<Optional<SourceNode>>> lookups = new LinkedHashMap<>();
        for (UUID sourceId : monitored.monitoredSources()) {
            lookups.put(sourceId, calls.start(() -> locate(sourceId)));
        }
        int reported = 0;
        for (Map.Entry<UUID, BoundedCalls.Call<Optional<SourceNode>>> lookup : lookups.entrySet()) {
            UUID sourceId = lookup.getKey();
            Optional<SourceNode> primary = calls.await(lookup.getValue(), Optional::empty,
                    "Primary watch: source service " + sourceId);
            if (primary.isEmpty()) {
                continue;
            }
            for (MonitoredPipeline pipeline : monitored.ofSource(sourceId)) {
                if (pipeline.connectedTo() != null && !pipeline.connectedTo().equals(primary.get())) {
                    commands.send(GenericCommandMessage.asCommandMessage(new DetectFailover(pipeline.pipelineId(),
                                    pipeline.connectedTo(), primary.get()))
                            .andMetaData(pipeline.commandMetaData(PRIMARY_WATCH)));
                    reported++;
                }
            }
        }
        return reported;
    }

    /** During a failover no node may answer as primary for a while: the next round looks again. */
    private Optional<SourceNode> locate(UUID sourceId) {
        try {
            return services.find(sourceId).map(ServiceRecord::postgres).map(locator::primary);
        } catch (RuntimeException e) {
            LOG.info("Primary watch: no primary of source service {} found this round: {}", sourceId, e.getMessage());
            return Optional.empty();
        }
    }
}
