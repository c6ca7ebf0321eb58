package io.pipewright.sagas.drift;

import io.pipewright.kernel.CommandRefused;
import io.pipewright.kernel.MessageMetadata;
import io.pipewright.kernel.pipeline.ClearDrift;
import io.pipewright.kernel.pipeline.DriftPolicy;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.kernel.pipeline.RecordDrift;
import io.pipewright.kernel.pipeline.RecordDriftRepair;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.ProvisioningSteps;
import io.pipewright.sagas.tenancy.ExternalWorkGate;
import io.pipewright.sagas.tenancy.GatedCall;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Settles what one health round found of one pipeline's drift: each difference is recorded on the pipeline (a repeat
 * of the open drift is ignored there), an open drift no longer seen is cleared, and under the {@code repair} policy
 * each drifted resource is converged by its own idempotent provisioning step, then recorded as repaired. The repair is
 * admitted by the {@link ExternalWorkGate} like the saga's own work, so it never runs beside the pipeline's
 * provisioning, re-pointing or teardown, and runs outside any control-plane transaction; a pipeline that is busy is
 * repaired by a later round.
 */
@Component
public class DriftRepair {

    static final String DRIFT_REPAIR = "drift-repair";
    private static final Logger LOG = LoggerFactory.getLogger(DriftRepair.class);

    private final ProvisioningSteps steps;
    private final ExternalWorkGate gate;
    private final CommandGateway commands;
    private final Clock clock;

    public DriftRepair(ProvisioningSteps steps, ExternalWorkGate gate, CommandGateway commands, Clock clock) {
        this.steps = steps;
        this.gate = gate;
        this.commands = commands;
        this.clock = clock;
    }

    /** {@code seen}: every drift the round found of the pipeline (none when it found it as desired). */
    public void settle(DriftTarget target, List<Drift> seen, Instant observedAt) {
        PipelineSpec spec = target.spec();
        try (MDC.MDCCloseable named = MDC.putCloseable(MessageMetadata.PIPELINE_ID, spec.pipelineId().toString());
             MDC.MDCCloseable organization = MDC.putCloseable(MessageMetadata.ORGANIZATION_ID,
                     String.valueOf(target.organizationId()))) {
            Set<String> seenResources = seen.stream().map(Drift::resource).collect(Collectors.toSet());
            target.openDrifts().stream().filter(resource -> !seenResources.contains(resource))
                    .forEach(resource -> send(target, new ClearDrift(spec.pipelineId(), resource, observedAt)));
            seen.forEach(drift -> send(target, new RecordDrift(spec.pipelineId(), drift.resource(), drift.expected(),
                    drift.actual(), observedAt)));
            if (target.policy() == DriftPolicy.REPAIR && !seen.isEmpty()) {
                repair(target, seen);
            }
        }
    }

    /** Each step once, in provisioning order (the role before the publication before the connector). */
    private void repair(DriftTarget target, List<Drift> seen) {
        PipelineSpec spec = target.spec();
        Map<ProvisionStep, List<Drift>> byStep = seen.stream()
                .collect(Collectors.groupingBy(Drift::repairedBy, TreeMap::new, Collectors.toList()));
        UUID organizationId = target.organizationId() != null ? target.organizationId() : spec.pipelineId();
        ExternalWorkGate.Work work = new ExternalWorkGate.Work(spec.pipelineId(), organizationId,
                List.of(spec.source().serviceId(), spec.sink().serviceId()), false);
        ExternalWorkGate.Admission admission = GatedCall.run(gate, work, () -> byStep.forEach((step, drifts) -> {
            try {
                steps.of(step).converge(spec);
            } catch (RuntimeException e) {
                LOG.warn("Pipeline {}: repairing the drift of {} through {} failed: {}; the next health check tries "
                        + "again", spec.pipelineId(), resources(drifts), step.wireName(), e.getMessage());
                return;
            }
            LOG.info("Pipeline {}: drift of {} repaired through {}", spec.pipelineId(), resources(drifts),
                    step.wireName());
            drifts.forEach(drift -> send(target, new RecordDriftRepair(spec.pipelineId(), drift.resource(),
                    clock.instant())));
        }));
        if (admission instanceof ExternalWorkGate.Busy busy) {
            LOG.info("Pipeline {}: drift of {} left for the next health check: {}", spec.pipelineId(),
                    resources(seen), busy.reason());
        }
    }

    private static String resources(List<Drift> drifts) {
        return drifts.stream().map(Drift::resource).collect(Collectors.joining(", "));
    }

    /** A refusal or a failure costs this pipeline's drift this round only; the next round sees it again. */
    private void send(DriftTarget target, Object command) {
        try {
            commands.sendAndWait(GenericCommandMessage.asCommandMessage(command)
                    .andMetaData(MessageMetadata.of(DRIFT_REPAIR, target.organizationId())));
        } catch (CommandRefused refused) {
            LOG.info("Pipeline {} refused {}: {}", target.spec().pipelineId(), command.getClass().getSimpleName(),
                    refused.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Pipeline {}: could not record {}: {}", target.spec().pipelineId(),
                    command.getClass().getSimpleName(), e.toString());
        }
    }
}
