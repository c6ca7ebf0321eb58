package io.pipewright.app.health;

import io.pipewright.sagas.provisioning.HealingPolicy;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The reconciler's healing default from {@code pipewright.healing.retry-window}: how long a failing connector is
 * restarted before its pipeline is Failed, for every pipeline without a {@code config.retry_window_minutes} of its
 * own. The reconciler receives it as a handler parameter.
 */
@Configuration
class HealingConfiguration {

    @Bean
    HealingPolicy healingPolicy(@Value("${pipewright.healing.retry-window:PT1H}") Duration retryWindow) {
        return new HealingPolicy(retryWindow);
    }
}
