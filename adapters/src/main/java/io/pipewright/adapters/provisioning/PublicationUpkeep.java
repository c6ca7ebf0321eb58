package io.pipewright.adapters.provisioning;

import io.pipewright.sagas.provisioning.PipelineSpec;

/**
 * The publication of a provisioned pipeline that captures all tables, kept in step with the tables created since.
 * An interface of its own, so the health check's refresh depends on this one verb of {@link Publication} only.
 */
public interface PublicationUpkeep {

    /** Publishes new tables that have a replica identity and records the others; never creates the publication. */
    void refresh(PipelineSpec pipeline);
}
