package io.pipewright.app.logging;

import java.util.List;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.config.EventProcessingConfigurer;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.interceptors.CorrelationDataInterceptor;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;

/**
 * Puts {@link PipelineLogContext} around every handler: commands, every event processor (sagas and projections) and
 * deadlines. Axon's configuration applies the correlation data providers to commands and event processors itself,
 * but not to deadline handlers: without the interceptor added here, what a deadline sends would start a new chain
 * (no actor's origin, no request id), and provisioning steps run in deadlines.
 */
@Configuration(proxyBeanMethods = false)
class LogContextInterceptors {

    @Autowired
    void register(PipelineLogContext context, List<CorrelationDataProvider> correlationDataProviders,
                  CommandBus commandBus, DeadlineManager deadlineManager, EventProcessingConfigurer eventProcessing) {
        commandBus.registerHandlerInterceptor(context);
        deadlineManager.registerHandlerInterceptor(new CorrelationDataInterceptor<>(correlationDataProviders));
        deadlineManager.registerHandlerInterceptor(context);
        eventProcessing.registerDefaultHandlerInterceptor((configuration, processorName) -> context);
    }
}
