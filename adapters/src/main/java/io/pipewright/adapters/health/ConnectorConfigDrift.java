package io.pipewright.adapters.health;

import io.pipewright.adapters.provisioning.DesiredResources;
import io.pipewright.sagas.drift.ConnectorDriftObserver;
import io.pipewright.sagas.drift.Drift;
import io.pipewright.sagas.provisioning.PipelineSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Compares the connector config keys Pipewright sets with the worker's. Where the connector points
 * ({@code database.hostname}, {@code database.port}) is the primary watch's to converge after a failover, and
 * {@code table.exclude.list} of a pipeline capturing all tables follows the tables its publication leaves out: neither
 * is drift. The password is compared as the reference the worker resolves; whatever stands in its place is never
 * shown, since a password typed in on the worker would be one.
 */
@Component
class ConnectorConfigDrift implements ConnectorDriftObserver {

    private static final Set<String> NOT_COMPARED = Set.of("database.hostname", "database.port",
            "table.exclude.list");
    private static final Set<String> SECRET = Set.of("database.password");

    private final DesiredResources desired;

    ConnectorConfigDrift(DesiredResources desired) {
        this.desired = desired;
    }

    @Override
    public Optional<Drift> observe(PipelineSpec pipeline, Map<String, String> workerConfig) {
        Map<String, String> wanted = desired.connectorConfig(pipeline, pipeline.source().postgres().nodes().get(0));
        List<String> expected = new ArrayList<>();
        List<String> actual = new ArrayList<>();
        wanted.forEach((key, value) -> {
            if (NOT_COMPARED.contains(key) || Objects.equals(value, workerConfig.get(key))) {
                return;
            }
            expected.add(key + "=" + value);
            String found = workerConfig.get(key);
            actual.add(found == null ? key + " not set"
                    : SECRET.contains(key) ? key + " not the reference Pipewright set" : key + "=" + found);
        });
        return expected.isEmpty() ? Optional.empty()
                : Optional.of(new Drift(Drift.CONNECTOR_CONFIG, String.join(", ", expected), String.join(", ", actual)));
    }
}
