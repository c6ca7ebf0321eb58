package io.pipewright.app;

import io.pipewright.command.web.CommandDispatch;
import org.axonframework.messaging.correlation.CorrelationDataProvider;
import org.axonframework.messaging.correlation.MessageOriginProvider;
import org.axonframework.messaging.correlation.SimpleCorrelationDataProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Events inherit the {@code actor} of the command that caused them (the audit trail's "who") and, as by default, the
 * correlation and trace ids that tie a saga's commands to the event that started them.
 */
@Configuration(proxyBeanMethods = false)
class ActorCorrelation {

    @Bean
    CorrelationDataProvider actorOfTheCommand() {
        return new SimpleCorrelationDataProvider(CommandDispatch.ACTOR);
    }

    @Bean
    CorrelationDataProvider messageOrigin() {
        return new MessageOriginProvider();
    }
}
