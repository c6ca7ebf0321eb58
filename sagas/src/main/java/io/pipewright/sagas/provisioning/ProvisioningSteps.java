package io.pipewright.sagas.provisioning;

import io.pipewright.kernel.pipeline.ProvisionStep;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** The step implementations by the reference's step name; all five must exist. */
@Component
public class ProvisioningSteps {

    private final Map<ProvisionStep, ProvisioningStep> byStep = new EnumMap<>(ProvisionStep.class);

    public ProvisioningSteps(List<ProvisioningStep> steps) {
        steps.forEach(step -> byStep.put(step.step(), step));
        for (ProvisionStep step : ProvisionStep.values()) {
            if (!byStep.containsKey(step)) {
                throw new IllegalStateException("no implementation of provisioning step " + step.wireName());
            }
        }
    }

    public ProvisioningStep of(ProvisionStep step) {
        return byStep.get(step);
    }
}
