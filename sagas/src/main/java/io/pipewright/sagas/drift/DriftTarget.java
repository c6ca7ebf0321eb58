package io.pipewright.sagas.drift;

import io.pipewright.kernel.pipeline.DriftPolicy;
import io.pipewright.sagas.provisioning.PipelineSpec;
import java.util.Set;
import java.util.UUID;

/**
 * A Running or Paused pipeline whose resources a health round compares with their desired state: its spec (paused
 * when its status is Paused, so a repaired connector stays paused), its drift policy and the resources whose drift
 * is open in the view.
 */
public record DriftTarget(PipelineSpec spec, UUID organizationId, DriftPolicy policy, Set<String> openDrifts) {

    public DriftTarget {
        openDrifts = Set.copyOf(openDrifts);
    }
}
