package io.pipewright.sagas.drift;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

/** What a health round compares: the Running and Paused pipelines among those checked, read in one query. */
public interface DriftTargets {

    /** Those of {@code pipelineIds} that are Running or Paused and whose services are known. */
    List<DriftTarget> of(Collection<UUID> pipelineIds);
}
