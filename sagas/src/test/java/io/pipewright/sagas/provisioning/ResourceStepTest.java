package io.pipewright.sagas.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.sagas.orphans.TaggedResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A step's resources: converged in order, removed in the reverse order, named by the one the step says. */
class ResourceStepTest {

    private final List<String> calls = new ArrayList<>();

    @Test
    void convergesInOrderRemovesInReverseAndAnswersTheNamingResourcesName() {
        Recorded slot = new Recorded("slot");
        Recorded secret = new Recorded("secret");
        Recorded connector = new Recorded("connector");
        ResourceStep step = new ResourceStep(ProvisionStep.CREATE_CONNECTOR, List.of(slot, secret, connector),
                connector);

        assertThat(step.converge(null)).isEqualTo("connector made");
        step.remove(null);

        assertThat(calls).containsExactly("converge slot", "converge secret", "converge connector",
                "remove connector", "remove secret", "remove slot");
    }

    @Test
    void aFailingResourceStopsTheStepThere() {
        Recorded role = new Recorded("role");
        Recorded hba = new Recorded("hba") {
            @Override
            public String converge(PipelineSpec pipeline) {
                throw new StepFailed("refused");
            }
        };
        Recorded after = new Recorded("after");
        ResourceStep step = new ResourceStep(ProvisionStep.PREPARE_SOURCE, List.of(role, hba, after), role);

        assertThatThrownBy(() -> step.converge(null)).isInstanceOf(StepFailed.class);
        assertThat(calls).containsExactly("converge role");
    }

    @Test
    void theNamingResourceMustBeOneOfTheSteps() {
        assertThatThrownBy(() -> new ResourceStep(ProvisionStep.PREPARE_SOURCE, List.of(new Recorded("role")),
                new Recorded("other"))).isInstanceOf(IllegalArgumentException.class);
    }

    private class Recorded implements PipelineResource<String> {

        private final String name;

        Recorded(String name) {
            this.name = name;
        }

        @Override
        public String kind() {
            return name;
        }

        @Override
        public String desired(PipelineSpec pipeline) {
            return name;
        }

        @Override
        public Optional<String> observe(PipelineSpec pipeline) {
            return Optional.empty();
        }

        @Override
        public String converge(PipelineSpec pipeline) {
            calls.add("converge " + name);
            return name + " made";
        }

        @Override
        public void remove(PipelineSpec pipeline) {
            calls.add("remove " + name);
        }

        @Override
        public List<TaggedResource> discoverTagged(ServiceRecord service) {
            return List.of();
        }

        @Override
        public void removeTagged(ServiceRecord service, TaggedResource resource) {
            calls.add("remove tagged " + name);
        }
    }
}
