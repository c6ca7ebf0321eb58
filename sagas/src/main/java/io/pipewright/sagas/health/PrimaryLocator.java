package io.pipewright.sagas.health;

import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.kernel.service.PostgresEndpoint;

/** Finds a source's current primary among its nodes. */
public interface PrimaryLocator {

    /**
     * The node that is not in recovery and has the highest timeline: an old primary restarted after a failover also
     * says it is not in recovery, on an older timeline. Throws when no node answers as a primary.
     */
    SourceNode primary(PostgresEndpoint source);
}
