package io.pipewright.sagas.provisioning;

import io.pipewright.kernel.pipeline.ProvisionStep;

/**
 * One external resource of a pipeline. Every verb is idempotent and safe to repeat after a crash at any line: each
 * observes the actual state and acts only on the difference.
 */
public interface ProvisioningStep {

    ProvisionStep step();

    /**
     * Brings the resource to the desired state and verifies it; returns what names it (role, slot, connector...).
     * Throws {@link StepFailed} when retrying cannot help; any other exception is transient and retried.
     */
    String converge(PipelineSpec pipeline);

    /** Removes what {@link #converge} created, leaving the source and the sink as they were; absent is done. */
    void remove(PipelineSpec pipeline);
}
