package io.pipewright.query;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The query side's processing groups. Each runs as a tracking processor, so it can be reset and replayed from the
 * event store. A failing view write is propagated instead of logged and skipped: the processor then retries the
 * event, where skipping it would leave the view wrong until the next rebuild.
 * <p>
 * A processor hands its projection up to {@code pipewright.projections.batch-size} events that are already stored in
 * one unit of work, and the projection writes what they changed in one transaction ({@link ViewRows}); live, a batch
 * is the one or few events that just arrived, during a rebuild it is full. {@code pipewright.projections.segments}
 * splits each stream by aggregate (one aggregate's events stay in order on one thread); the split is fixed when a
 * processor first stores its tokens. The claim interval is the nodes' one (see {@code pipewright.nodes}).
 */
@Configuration(proxyBeanMethods = false)
public class Projections {

    public static final String PIPELINE_VIEWS = "pipeline-views";
    public static final String SERVICE_VIEWS = "service-views";
    public static final String DAG_VIEWS = "dag-views";
    public static final List<String> ALL = List.of(PIPELINE_VIEWS, SERVICE_VIEWS, DAG_VIEWS);

    @Bean
    ConfigurerModule projectionProcessors(@Value("${pipewright.projections.batch-size:1000}") int batchSize,
                                          @Value("${pipewright.projections.segments:1}") int segments,
                                          @Value("${pipewright.nodes.claim-interval:PT1S}") Duration claimInterval) {
        TrackingEventProcessorConfiguration batches = TrackingEventProcessorConfiguration
                .forParallelProcessing(segments)
                .andInitialSegmentsCount(segments)
                .andBatchSize(batchSize)
                .andTokenClaimInterval(claimInterval.toMillis(), TimeUnit.MILLISECONDS);
        return configurer -> configurer.eventProcessing(processing -> ALL.forEach(name -> processing
                .registerTrackingEventProcessor(name)
                .registerTrackingEventProcessorConfiguration(name, configuration -> batches)
                .registerListenerInvocationErrorHandler(name, configuration -> PropagatingErrorHandler.instance())));
    }
}
