package io.pipewright.app.orphans;

import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.github.kagkarlsson.scheduler.task.schedule.FixedDelay;
import io.pipewright.sagas.orphans.OrphanSweep;
import java.time.Duration;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The orphan sweep as a recurring db-scheduler task: durable, one control-plane node at a time. It only reports. */
@Configuration
class OrphanSchedule {

    static final String ORPHAN_SWEEP = "orphan-sweep";

    @Bean
    RecurringTask<Void> orphanSweepTask(OrphanSweep sweep, OrphanMetric metric,
                                        @Value("${pipewright.orphans.sweep-interval:PT10M}") Duration interval) {
        return Tasks.recurring(ORPHAN_SWEEP, FixedDelay.of(interval))
                .execute((instance, context) -> metric.update(sweep.sweep()));
    }
}
