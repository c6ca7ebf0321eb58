package io.pipewright.app.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.pipewright.kernel.pipeline.ConnectorCreated;
import io.pipewright.kernel.pipeline.PeeringEnsured;
import io.pipewright.kernel.pipeline.PluginInstalled;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.kernel.pipeline.ProvisionStepStarted;
import io.pipewright.kernel.pipeline.PublicationCreated;
import io.pipewright.kernel.pipeline.SourcePrepared;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.StreamableMessageSource;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.stereotype.Component;

/**
 * {@code pipewright_provisioning_step_duration_seconds{step=...}}, a histogram: how long each provisioning step took,
 * from its {@code ProvisionStepStarted} to its completion event, as the events' own timestamps say, so retries,
 * backoff and a control-plane restart in the middle of a step all count.
 * <p>
 * It is measured from the events, in a tracking processor of its own, rather than around the saga's call of the step:
 * a timer in the saga would see only the last attempt, would lose a step a killed node was running, and would put
 * metrics into the reconciler. The processor's position is stored with the others, so a step completed while no node
 * ran is recorded when one runs again; it starts at the head of the stream, so a first deployment does not replay
 * history into the histogram, and a projection rebuild does not touch it. A completion event reads its pipeline's
 * events to find when the step started (a few events, one indexed query), so nothing is held in memory between the
 * two. The histogram lives in the memory of the node that processes the stream: sum it over nodes in queries.
 */
@Component
@ProcessingGroup(ProvisioningStepDurations.PROCESSING_GROUP)
class ProvisioningStepDurations {

    static final String PROCESSING_GROUP = "provisioning-step-durations";

    private final EventStore events;
    private final Map<ProvisionStep, Timer> timers = new EnumMap<>(ProvisionStep.class);

    ProvisioningStepDurations(EventStore events, MeterRegistry meters) {
        this.events = events;
        // Every step's series exists from the start, at zero, so dashboards and alerts see them before the first step.
        Arrays.stream(ProvisionStep.values()).forEach(step -> timers.put(step,
                Timer.builder("pipewright.provisioning.step.duration")
                        .description("Provisioning steps from their start to their completion, retries included")
                        .tag("step", step.wireName())
                        .publishPercentileHistogram()
                        .minimumExpectedValue(Duration.ofMillis(10))
                        .maximumExpectedValue(Duration.ofMinutes(30))
                        .register(meters)));
    }

    @EventHandler
    void on(PeeringEnsured completed, @SequenceNumber long sequence) {
        record(completed.pipelineId(), sequence, ProvisionStep.ENSURE_NETWORK, completed.completedAt());
    }

    @EventHandler
    void on(PluginInstalled completed, @SequenceNumber long sequence) {
        record(completed.pipelineId(), sequence, ProvisionStep.INSTALL_PLUGIN, completed.completedAt());
    }

    @EventHandler
    void on(SourcePrepared completed, @SequenceNumber long sequence) {
        record(completed.pipelineId(), sequence, ProvisionStep.PREPARE_SOURCE, completed.completedAt());
    }

    @EventHandler
    void on(PublicationCreated completed, @SequenceNumber long sequence) {
        record(completed.pipelineId(), sequence, ProvisionStep.CREATE_PUBLICATION, completed.completedAt());
    }

    @EventHandler
    void on(ConnectorCreated completed, @SequenceNumber long sequence) {
        record(completed.pipelineId(), sequence, ProvisionStep.CREATE_CONNECTOR, completed.completedAt());
    }

    /** The step started at the last {@code ProvisionStepStarted} before its completion. */
    private void record(UUID pipelineId, long completion, ProvisionStep step, Instant completedAt) {
        events.readEvents(pipelineId.toString(), 0).asStream()
                .filter(event -> event.getSequenceNumber() < completion)
                .map(event -> event.getPayload())
                .filter(ProvisionStepStarted.class::isInstance)
                .map(ProvisionStepStarted.class::cast)
                .reduce((earlier, later) -> later)
                .filter(started -> started.step() == step)
                .ifPresent(started -> timers.get(step).record(Duration.between(started.startedAt(), completedAt)));
    }

    /** Its processor starts at the head of the stream and takes a dead node's claim over like the others. */
    @Configuration(proxyBeanMethods = false)
    static class Processor {

        @Bean
        ConfigurerModule stepDurationsFromTheHead(
                @Value("${pipewright.nodes.claim-interval:PT1S}") Duration claimInterval) {
            TrackingEventProcessorConfiguration fromTheHead = TrackingEventProcessorConfiguration
                    .forSingleThreadedProcessing()
                    .andInitialTrackingToken(StreamableMessageSource::createHeadToken)
                    .andTokenClaimInterval(claimInterval.toMillis(), TimeUnit.MILLISECONDS);
            return configurer -> configurer.eventProcessing(processing -> processing
                    .registerTrackingEventProcessor(PROCESSING_GROUP)
                    .registerTrackingEventProcessorConfiguration(PROCESSING_GROUP, configuration -> fromTheHead));
        }
    }
}
