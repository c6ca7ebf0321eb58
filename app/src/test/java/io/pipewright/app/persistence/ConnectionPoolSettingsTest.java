package io.pipewright.app.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The control plane's JDBC pool honours {@code spring.datasource.hikari.*}, and a pool not larger than db-scheduler's
 * threads stops the start with a message that says so. No database is needed: Hikari connects on first use.
 */
class ConnectionPoolSettingsTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(ControlPlaneDatabase.class)
            .withPropertyValues("spring.datasource.url=jdbc:postgresql://127.0.0.1:1/pipewright",
                    "spring.datasource.username=pipewright", "spring.datasource.password=unused");

    @Test
    void theHikariSettingsAreHonoured() {
        context.withPropertyValues("spring.datasource.hikari.maximum-pool-size=23",
                        "spring.datasource.hikari.minimum-idle=3", "spring.datasource.hikari.pool-name=control-plane")
                .run(started -> {
                    HikariDataSource pool = started.getBean(HikariDataSource.class);
                    assertThat(pool.getMaximumPoolSize()).isEqualTo(23);
                    assertThat(pool.getMinimumIdle()).isEqualTo(3);
                    assertThat(pool.getPoolName()).isEqualTo("control-plane");
                });
    }

    @Test
    void aPoolNotLargerThanTheSchedulerThreadsStopsTheStart() {
        context.withPropertyValues("spring.datasource.hikari.maximum-pool-size=10")
                .run(started -> assertThat(started).hasFailed().getFailure().rootCause()
                        .hasMessage("spring.datasource.hikari.maximum-pool-size (10) must be larger than"
                                + " db-scheduler.threads (10): each scheduler thread may hold a connection, and the"
                                + " event processors and the web need theirs too"));
        context.withPropertyValues("spring.datasource.hikari.maximum-pool-size=12", "db-scheduler.threads=12")
                .run(started -> assertThat(started).hasFailed());
        context.withPropertyValues("spring.datasource.hikari.maximum-pool-size=13", "db-scheduler.threads=12")
                .run(started -> assertThat(started).hasNotFailed());
    }
}
