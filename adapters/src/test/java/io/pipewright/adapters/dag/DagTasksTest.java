package io.pipewright.adapters.dag;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.adapters.support.InMemoryVault;
import io.pipewright.adapters.support.LocalEndpoints;
import io.pipewright.kernel.dag.DagTask;
import io.pipewright.sagas.dag.DagTaskRunner.Attempt;
import io.pipewright.sagas.dag.DagTaskRunner.Failed;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** What the runner says, without calling anything, of a task it cannot run where the pipeline says. */
class DagTasksTest {

    private static final InMemoryVault VAULT = new InMemoryVault();
    private final SourceAdmin admin = new SourceAdmin(VAULT, LocalEndpoints.POLICY, ExternalCallLimits.defaults());
    private final DagTasks runner = new DagTasks(new SqlTask(admin), new QualityTask(admin), new NotificationTask(
            VAULT, LocalEndpoints.POLICY, ExternalCallLimits.defaults(), "pipewright.notifications"));

    @Test
    void aTaskWithoutTheServiceItNeedsFailsForGood() {
        assertThat(runner.run(attempt(Attempts.sql("extract", "SELECT 1", "staging.x", 30))))
                .isEqualTo(new Failed("task extract writes to PostgreSQL, but the pipeline names no PostgreSQL"
                        + " service", false, List.of()));
        assertThat(runner.run(attempt(Attempts.quality("check", List.of("row_count > 0")))))
                .isEqualTo(new Failed("task check checks a PostgreSQL table, but the pipeline names no PostgreSQL"
                        + " service", false, List.of()));
        assertThat(runner.run(attempt(Attempts.notification("notify", "slack", "done"))))
                .isEqualTo(new Failed("task notify sends a notification, but the pipeline names no Kafka service",
                        false, List.of()));
    }

    @Test
    void aTypeNoRunnerKnowsFailsForGood() {
        DagTask spark = new DagTask("spark_job", "spark", null, null, List.of(), List.of(), null, null, 0, 1, 30);
        assertThat(runner.run(attempt(spark))).isEqualTo(new Failed("task spark_job has type spark, which no runner"
                + " knows", false, List.of()));
    }

    private static Attempt attempt(DagTask task) {
        return new Attempt(UUID.randomUUID(), "daily_revenue", UUID.randomUUID(), Attempts.EXECUTION_DATE, task, 1,
                List.of("staging.x"), null, null, null, "running", Duration.ofSeconds(30));
    }
}
