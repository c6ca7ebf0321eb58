package io.pipewright.sagas.drift;

import io.pipewright.sagas.provisioning.PipelineSpec;
import java.util.Map;
import java.util.Optional;

/**
 * The connector config keys Pipewright sets, compared with what the worker's listing (already made once per round
 * for the health check) holds. Secrets are compared as the references the worker resolves, and never shown.
 */
public interface ConnectorDriftObserver {

    /** Empty when the config is as desired, or when the listing has no config for the connector. */
    Optional<Drift> observe(PipelineSpec pipeline, Map<String, String> workerConfig);
}
