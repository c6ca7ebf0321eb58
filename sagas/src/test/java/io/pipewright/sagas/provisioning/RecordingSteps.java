package io.pipewright.sagas.provisioning;

import io.pipewright.kernel.pipeline.ProvisionStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The five provisioning steps as the saga's timelines need them: each converge and remove is recorded in order, and a
 * step can be told to fail its next removals, so a test reads which resources the reconciler touched.
 */
final class RecordingSteps {

    final List<ProvisionStep> converged = new ArrayList<>();
    final List<ProvisionStep> removed = new ArrayList<>();
    private ProvisionStep failingRemoval;
    private int removalFailures;

    ProvisioningSteps steps() {
        return new ProvisioningSteps(Arrays.stream(ProvisionStep.values()).map(this::step).toList());
    }

    /** The next {@code times} removals of {@code step} fail as an unreachable source would. */
    void failRemovalOf(ProvisionStep step, int times) {
        failingRemoval = step;
        removalFailures = times;
    }

    private ProvisioningStep step(ProvisionStep which) {
        return new ProvisioningStep() {
            @Override
            public ProvisionStep step() {
                return which;
            }

            @Override
            public String converge(PipelineSpec pipeline) {
                converged.add(which);
                return which.wireName() + "-resource";
            }

            @Override
            public void remove(PipelineSpec pipeline) {
                if (which == failingRemoval && removalFailures-- > 0) {
                    throw new IllegalStateException("the source does not answer");
                }
                removed.add(which);
            }
        };
    }
}
