package io.pipewright.app.persistence;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.messaging.StreamableMessageSource;
import org.axonframework.spring.stereotype.Saga;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Several control-plane nodes share one database; each stream of events (a view, a saga, the health registry) is
 * processed by the one node that holds its claim in {@code token_entry}, renewed about every second. When that node
 * dies, the others look for expired claims every {@code pipewright.nodes.claim-interval} and take over once the claim
 * is {@code pipewright.nodes.claim-timeout} old. Axon's defaults (look every 5 s, take over after 10 s) leave the views
 * still for up to 15 s, longer than a command's answer waits for them (10 s), so a create sent to the surviving node
 * right after another died answered 500 although it was done. Sagas keep Axon's other defaults for them: they start at
 * the head of the stream.
 */
@Configuration(proxyBeanMethods = false)
class EventProcessorTakeover {

    @Bean
    ConfigurerModule quickTakeoverOfDeadNodesStreams(ListableBeanFactory beans,
                                            @Value("${pipewright.nodes.claim-interval:PT1S}") Duration claimInterval) {
        TrackingEventProcessorConfiguration streams = TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                .andTokenClaimInterval(claimInterval.toMillis(), TimeUnit.MILLISECONDS);
        TrackingEventProcessorConfiguration sagas = TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                .andInitialTrackingToken(StreamableMessageSource::createHeadToken)
                .andTokenClaimInterval(claimInterval.toMillis(), TimeUnit.MILLISECONDS);
        return configurer -> configurer.eventProcessing(processing -> {
            processing.registerTrackingEventProcessorConfiguration(configuration -> streams);
            Arrays.stream(beans.getBeanNamesForAnnotation(Saga.class))
                    .map(beans::getType)
                    .forEach(saga -> processing.registerTrackingEventProcessorConfiguration(
                            saga.getSimpleName() + "Processor", configuration -> sagas));
        });
    }
}
