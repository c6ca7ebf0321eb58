package io.pipewright.sagas.provisioning;

import io.pipewright.kernel.pipeline.ProvisionStep;
import java.util.List;

/**
 * A provisioning step of the reference as an ordered list of resources: converged in order, removed in the reverse
 * order, so what a resource depends on is there before it and goes after it. {@code named} is the resource whose
 * {@link PipelineResource#converge} names what the step made (the role of prepare_source, the connector of
 * create_connector).
 */
public final class ResourceStep implements ProvisioningStep {

    private final ProvisionStep step;
    private final List<PipelineResource<?>> resources;
    private final PipelineResource<?> named;

    public ResourceStep(ProvisionStep step, List<PipelineResource<?>> resources, PipelineResource<?> named) {
        if (!resources.contains(named)) {
            throw new IllegalArgumentException("the resource that names step " + step.wireName() + " is not in it");
        }
        this.step = step;
        this.resources = List.copyOf(resources);
        this.named = named;
    }

    @Override
    public ProvisionStep step() {
        return step;
    }

    @Override
    public String converge(PipelineSpec pipeline) {
        String name = null;
        for (PipelineResource<?> resource : resources) {
            String converged = resource.converge(pipeline);
            if (resource == named) {
                name = converged;
            }
        }
        return name;
    }

    @Override
    public void remove(PipelineSpec pipeline) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).remove(pipeline);
        }
    }
}
