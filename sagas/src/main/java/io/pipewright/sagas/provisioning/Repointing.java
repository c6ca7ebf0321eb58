package io.pipewright.sagas.provisioning;

import io.pipewright.kernel.pipeline.CompleteRepointing;
import io.pipewright.kernel.pipeline.FailPipeline;
import io.pipewright.kernel.pipeline.SourceNode;
import io.pipewright.sagas.Backoff;
import java.util.UUID;

/**
 * The failover phase of a pipeline's reconciler: after the source's primary moved, the connector is re-pointed to the
 * new primary, retried with backoff, and the pipeline is Failed after {@value #REPOINT_ATTEMPTS} failed attempts.
 * While it is in progress, a failing connector is not restarted (it fails because its primary is gone).
 */
final class Repointing {

    static final int REPOINT_ATTEMPTS = 10;

    /** Null when no failover is in progress. Field names are the saga's stored state: keep them. */
    private SourceNode failingOverTo;
    private int repointAttempts;

    void toward(SourceNode primary) {
        failingOverTo = primary;
        repointAttempts = 0;
    }

    boolean inProgress() {
        return failingOverTo != null;
    }

    SourceNode target() {
        return failingOverTo;
    }

    Action repointed(UUID pipelineId) {
        return Action.send(new CompleteRepointing(pipelineId, failingOverTo));
    }

    Action failed(UUID pipelineId, RuntimeException failure) {
        repointAttempts++;
        if (repointAttempts >= REPOINT_ATTEMPTS) {
            return Action.send(new FailPipeline(pipelineId, "source failover to " + failingOverTo + ": the connector "
                    + "could not be re-pointed; last error: " + Provisioning.describe(failure)));
        }
        return Action.lookAgainAfter(Backoff.exponential(repointAttempts, Provisioning.MAX_BACKOFF));
    }

    int attempts() {
        return repointAttempts;
    }

    void finish() {
        failingOverTo = null;
    }
}
