package io.pipewright.query;

import java.util.List;
import org.axonframework.config.ConfigurerModule;
import org.axonframework.eventhandling.PropagatingErrorHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The query side's processing groups. Each runs as a tracking processor, so it can be reset and replayed from the
 * event store. A failing view write is propagated instead of logged and skipped: the processor then retries the
 * event, where skipping it would leave the view wrong until the next rebuild.
 */
@Configuration(proxyBeanMethods = false)
public class Projections {

    public static final String PIPELINE_VIEWS = "pipeline-views";
    public static final String SERVICE_VIEWS = "service-views";
    public static final List<String> ALL = List.of(PIPELINE_VIEWS, SERVICE_VIEWS);

    @Bean
    ConfigurerModule projectionProcessors() {
        return configurer -> configurer.eventProcessing(processing -> ALL.forEach(name -> processing
                .registerTrackingEventProcessor(name)
                .registerListenerInvocationErrorHandler(name, configuration -> PropagatingErrorHandler.instance())));
    }
}
