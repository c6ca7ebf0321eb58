package io.pipewright.app.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipewright.kernel.CommandRefused;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.axonframework.commandhandling.SimpleCommandBus;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.eventstore.EventStoreException;
import org.axonframework.modelling.command.ConcurrencyException;
import org.junit.jupiter.api.Test;

/**
 * A command whose events lost the race for the pipeline's next sequence number to another node is decided again; a
 * refusal or any other failure is answered at once; PostgreSQL's duplicate key is recognized by its SQLState, which
 * Axon's own resolver does not read.
 */
class ConcurrentAppendRetryTest {

    private final ConcurrentAppendRetry configuration = new ConcurrentAppendRetry();

    @Test
    void aCommandThatLostTheRaceIsSentAgainUntilItWins() {
        AtomicInteger attempts = new AtomicInteger();
        SimpleCommandBus bus = SimpleCommandBus.builder().build();
        bus.subscribe(String.class.getName(), command -> {
            if (attempts.incrementAndGet() < 3) {
                throw new ConcurrencyException("An event for aggregate [p] at sequence [7] was already inserted");
            }
            return "decided on attempt " + attempts.get();
        });
        CommandGateway gateway = configuration.commandGateway(bus, 5, Duration.ofMillis(10));

        assertThat((String) gateway.sendAndWait("delete")).isEqualTo("decided on attempt 3");
    }

    @Test
    void aRefusalOrAnyOtherFailureIsNotSentAgain() {
        AtomicInteger attempts = new AtomicInteger();
        SimpleCommandBus bus = SimpleCommandBus.builder().build();
        bus.subscribe(String.class.getName(), command -> {
            attempts.incrementAndGet();
            throw CommandRefused.conflict("pipeline is Deleting");
        });
        CommandGateway gateway = configuration.commandGateway(bus, 5, Duration.ofMillis(10));

        assertThatThrownBy(() -> gateway.sendAndWait("pause")).isInstanceOf(CommandRefused.class);
        assertThat(attempts).hasValue(1);
    }

    @Test
    void aRaceLostMoreOftenThanTheBoundIsAnsweredWithTheConflict() {
        AtomicInteger attempts = new AtomicInteger();
        SimpleCommandBus bus = SimpleCommandBus.builder().build();
        bus.subscribe(String.class.getName(), command -> {
            attempts.incrementAndGet();
            throw new ConcurrencyException("An event for aggregate [p] at sequence [7] was already inserted");
        });
        CommandGateway gateway = configuration.commandGateway(bus, 2, Duration.ofMillis(10));

        assertThatThrownBy(() -> gateway.sendAndWait("delete")).isInstanceOf(ConcurrencyException.class);
        assertThat(attempts).hasValue(3);
    }

    @Test
    void postgresqlsDuplicateKeyIsADuplicateKeyViolationAndOtherErrorsAreNot() {
        var resolver = configuration.duplicateKeyBySqlState();

        assertThat(resolver.isDuplicateKeyViolation(new EventStoreException("append failed",
                new SQLException("duplicate key value violates unique constraint", "23505")))).isTrue();
        assertThat(resolver.isDuplicateKeyViolation(new EventStoreException("append failed",
                new SQLException("connection refused", "08001")))).isFalse();
    }
}
