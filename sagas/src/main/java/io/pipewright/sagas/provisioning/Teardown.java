package io.pipewright.sagas.provisioning;

import io.pipewright.kernel.pipeline.CompletePipelineDeletion;
import io.pipewright.kernel.pipeline.CompleteTeardownStep;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.sagas.Backoff;
import java.time.Duration;
import java.util.UUID;

/**
 * The teardown phase of a pipeline's reconciler: the provisioning steps' resources removed in reverse
 * ({@link ProvisionStep#TEARDOWN}: connector, publication, role and hba entry), each retried until it is gone, then the
 * deletion completed. Once it began, nothing but the teardown runs for the pipeline.
 */
final class Teardown {

    /** Field names are the saga's stored state: keep them. */
    private boolean deleting;
    private int tornDown;
    private int removalAttempts;

    void begin() {
        deleting = true;
        tornDown = 0;
        removalAttempts = 0;
    }

    boolean begun() {
        return deleting;
    }

    /** The step whose resources are removed next. */
    ProvisionStep removing() {
        return ProvisionStep.TEARDOWN.get(tornDown);
    }

    Action removed(UUID pipelineId) {
        return Action.send(new CompleteTeardownStep(pipelineId, removing()));
    }

    Action failed() {
        removalAttempts++;
        return Action.lookAgainAfter(Backoff.exponential(removalAttempts, Provisioning.MAX_BACKOFF));
    }

    int attempts() {
        return removalAttempts;
    }

    /** One step's resources are gone (recorded): the next one now, or the deletion completed after the last. */
    Action stepCompleted(UUID pipelineId, ProvisionStep step) {
        tornDown = ProvisionStep.TEARDOWN.indexOf(step) + 1;
        removalAttempts = 0;
        if (tornDown < ProvisionStep.TEARDOWN.size()) {
            return Action.lookAgainAfter(Duration.ZERO);
        }
        return Action.send(new CompletePipelineDeletion(pipelineId));
    }
}
