package io.pipewright.sagas.provisioning;

import io.pipewright.sagas.orphans.TaggedResource;
import java.util.List;
import java.util.Optional;

/**
 * One external thing Pipewright creates for a pipeline (a role, a pg_hba.conf line, a publication, a slot, a
 * connector, a file on the worker...), with the same verbs for every one, so that provisioning, teardown and the
 * orphan sweep all go through the one class that knows it. Every verb is idempotent and safe to repeat after a crash
 * at any line. {@code S} is how the resource's state is described: what {@link #desired} wants and {@link #observe}
 * finds (never a secret).
 */
public interface PipelineResource<S> {

    /** What the resource is called in logs and, for those the orphan sweep finds, {@link TaggedResource#kind()}. */
    String kind();

    /** What should exist for the pipeline, as far as it can be said without looking at the service. */
    S desired(PipelineSpec pipeline);

    /** What exists for the pipeline; empty when nothing does. */
    Optional<S> observe(PipelineSpec pipeline);

    /**
     * Brings the resource to the desired state, acting only on the difference, and returns what names it. Throws
     * {@link StepFailed} when retrying cannot help; any other exception is transient and retried.
     */
    String converge(PipelineSpec pipeline);

    /** Removes what {@link #converge} made, leaving the service as it was before; absent is done. */
    void remove(PipelineSpec pipeline);

    /** Everything of this kind on the service that carries Pipewright's tag, whichever pipeline it belongs to. */
    List<TaggedResource> discoverTagged(ServiceRecord service);

    /**
     * Removes one thing {@link #discoverTagged} found, whether or not its pipeline exists; gone is done. A resource
     * that carries no tag finds nothing, so it is never asked to remove anything.
     */
    default void removeTagged(ServiceRecord service, TaggedResource resource) {
        throw new IllegalArgumentException(kind() + " is never found as an orphan: nothing of it carries a tag");
    }
}
