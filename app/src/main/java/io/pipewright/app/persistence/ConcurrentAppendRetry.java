package io.pipewright.app.persistence;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.axonframework.commandhandling.CommandBus;
import org.axonframework.commandhandling.CommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.commandhandling.gateway.DefaultCommandGateway;
import org.axonframework.commandhandling.gateway.RetryScheduler;
import org.axonframework.common.jdbc.PersistenceExceptionResolver;
import org.axonframework.modelling.command.ConcurrencyException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Commands to one aggregate from several control-plane nodes. On one node Axon serializes them with an in-memory lock
 * per aggregate; across nodes nothing does, so two nodes that load the same pipeline and append its next event race
 * on {@code (aggregate_identifier, sequence_number)} and one of them loses: a DELETE sent to one node while the other
 * recorded a step answered 500. The loser is decided again on the pipeline as it now is, which is what the lock would
 * have given on one node. Axon's resolver for JDBC reads vendor error codes, which PostgreSQL leaves at 0, so the
 * duplicate key (SQLState 23505) is recognized here, turning it into Axon's {@link ConcurrencyException}; the
 * gateway then sends the command again after a short random pause, a bounded number of times. Any other failure,
 * a refusal included, is answered at once as before.
 */
@Configuration(proxyBeanMethods = false)
class ConcurrentAppendRetry {

    private static final String UNIQUE_VIOLATION = "23505";

    @Bean
    PersistenceExceptionResolver duplicateKeyBySqlState() {
        return ConcurrentAppendRetry::isUniqueViolation;
    }

    @Bean
    CommandGateway commandGateway(CommandBus commandBus,
                                  @Value("${pipewright.nodes.concurrent-append-retries:5}") int retries,
                                  @Value("${pipewright.nodes.concurrent-append-pause:PT0.1S}") Duration pause) {
        return DefaultCommandGateway.builder()
                .commandBus(commandBus)
                .retryScheduler(new OnConcurrentAppend(retries, pause))
                .build();
    }

    private static boolean isUniqueViolation(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static boolean lostTheRace(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConcurrencyException) {
                return true;
            }
        }
        return false;
    }

    /** Sends again only a command whose events lost the race to another node's. */
    private static final class OnConcurrentAppend implements RetryScheduler {

        private final int retries;
        private final Duration pause;
        private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "concurrent-append-retry");
            thread.setDaemon(true);
            return thread;
        });

        OnConcurrentAppend(int retries, Duration pause) {
            this.retries = retries;
            this.pause = pause;
        }

        @Override
        public boolean scheduleRetry(CommandMessage commandMessage, RuntimeException lastFailure,
                                     List<Class<? extends Throwable>[]> failures, Runnable commandDispatch) {
            if (!lostTheRace(lastFailure) || failures.size() > retries) {
                return false;
            }
            long millis = pause.toMillis() / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, pause.toMillis()));
            executor.schedule(commandDispatch, millis, TimeUnit.MILLISECONDS);
            return true;
        }
    }
}
