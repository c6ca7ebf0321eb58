package io.pipewright.app.persistence;

import com.github.kagkarlsson.scheduler.Scheduler;
import javax.sql.DataSource;
import org.axonframework.common.jdbc.ConnectionProvider;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.config.ConfigurationScopeAwareProvider;
import org.axonframework.deadline.DeadlineManagerSpanFactory;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.axonframework.serialization.Serializer;
import org.axonframework.spring.jdbc.SpringDataSourceConnectionProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Durable deadlines (db-scheduler) whose handlers run WITHOUT a control-plane transaction. The handlers of the sagas
 * call tenants' services (a provisioning step, a probe, a restart); Axon's default runs each in one transaction from
 * start to end, which pins a pooled connection for as long as a tenant's server takes to answer, so a few slow
 * servers could exhaust the pool and stall logins and every other tenant. Without it, the external call holds no
 * connection; what it found is recorded afterwards in short transactions of their own: the commands it sends (each in
 * the command bus's transaction, its events appended by the event store's), the saga's new state, the next deadline.
 * A control plane killed in between runs the deadline again, and every step is idempotent.
 * <p>
 * Axon's JDBC stores get their connections the Spring way only: inside a transaction (a command, an event processor's
 * batch) they share its connection; outside one, each read or write borrows a connection and returns it at once.
 * Axon's default wraps this in a provider that keeps the first connection for the whole unit of work, which would pin
 * one through the external call again (the saga is loaded, and the service read, before the call).
 */
@Configuration(proxyBeanMethods = false)
class DeadlinesOutsideTransactions {

    @Bean
    ConnectionProvider connectionProvider(DataSource dataSource) {
        return new SpringDataSourceConnectionProvider(dataSource);
    }

    @Bean
    DbSchedulerDeadlineManager deadlineManager(Scheduler scheduler, org.axonframework.config.Configuration axon,
                                               Serializer serializer,
                                               DeadlineManagerSpanFactory spanFactory) {
        return new RaceFreeCancellation(DbSchedulerDeadlineManager.builder()
                .scopeAwareProvider(new ConfigurationScopeAwareProvider(axon))
                .transactionManager(NoTransactionManager.INSTANCE)
                .startScheduler(false)
                .stopScheduler(false), scheduler, serializer, spanFactory);
    }
}
