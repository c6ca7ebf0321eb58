package io.pipewright.sagas.drift;

import io.pipewright.sagas.provisioning.PipelineSpec;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The source-side resources of many pipelines of one source (publication, replication role and its grants, pg_hba
 * entry), compared with their desired state in one catalog query per database of the source, on its primary.
 */
public interface SourceDriftObserver {

    /** The drifts found, by pipeline id; a pipeline without any is absent. Throws when the source does not answer. */
    Map<UUID, List<Drift>> observe(List<PipelineSpec> pipelinesOfOneSource);
}
