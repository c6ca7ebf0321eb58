package io.pipewright.app.health;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import io.pipewright.sagas.health.HealthCheckRound;
import io.pipewright.sagas.health.PrimaryWatch;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Two recurring tasks in db-scheduler's table: durable, and run by one control-plane node at a time. The health round
 * ticks often but checks only the pipelines that are due (each every {@code pipewright.health.check-interval}); the
 * primary watch looks at every source with monitored pipelines each {@code pipewright.failover.primary-watch-interval}.
 */
@Configuration
class HealthSchedule {

    static final String HEALTH_ROUND = "pipeline-health-round";
    static final String PRIMARY_WATCH = "source-primary-watch";

    @Bean
    RecurringTask<Void> healthRoundTask(HealthCheckRound round,
                                    @Value("${pipewright.health.tick:PT5S}") Duration tick) {
        return Tasks.recurring(HEALTH_ROUND, FixedDelay.of(tick)).execute((instance, context) -> round.run());
    }

    @Bean
    RecurringTask<Void> primaryWatchTask(PrimaryWatch watch,
                                     @Value("${pipewright.failover.primary-watch-interval:PT5S}") Duration interval) {
        return Tasks.recurring(PRIMARY_WATCH, FixedDelay.of(interval)).execute((instance, context) -> watch.run());
    }
}
