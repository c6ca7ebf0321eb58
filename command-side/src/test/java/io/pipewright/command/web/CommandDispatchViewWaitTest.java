package io.pipewright.command.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipewright.kernel.access.Caller;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.DefaultQueryGateway;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.axonframework.queryhandling.SimpleQueryBus;
import org.axonframework.queryhandling.SimpleQueryUpdateEmitter;
import org.junit.jupiter.api.Test;
import org.mockito.Mockito;

/**
 * A 2xx answer waits for its view by being told when the projection wrote it, not by asking every few milliseconds:
 * a handful of queries per wait, whatever the time the projection takes; and a view written where no notification
 * reaches (another node) is still found by the slow re-ask.
 */
class CommandDispatchViewWaitTest {

    record FindThing(UUID id) {
    }

    record Thing(UUID id, String state) {
    }

    private final AtomicReference<Thing> stored = new AtomicReference<>();
    private final AtomicInteger asked = new AtomicInteger();
    private final QueryUpdateEmitter updates = SimpleQueryUpdateEmitter.builder().build();
    private final SimpleQueryBus bus = SimpleQueryBus.builder().queryUpdateEmitter(updates).build();
    private final CommandDispatch dispatch;

    CommandDispatchViewWaitTest() {
        bus.subscribe(FindThing.class.getName(), Thing.class, query -> {
            asked.incrementAndGet();
            return CompletableFuture.completedFuture(stored.get());
        });
        dispatch = new CommandDispatch(Mockito.mock(CommandGateway.class),
                DefaultQueryGateway.builder().queryBus(bus).build());
    }

    @Test
    void aWaitEndsWhenTheProjectionSaysItWroteTheViewAfterAFewQueries() throws Exception {
        UUID id = UUID.randomUUID();
        CompletableFuture<Optional<Thing>> waiting = dispatch.awaitView(new FindThing(id), Thing.class,
                view -> view.map(thing -> thing.state().equals("Running")).orElse(false)).toFuture();
        for (int write = 0; write < 3; write++) {
            // A projection that takes its time between writes; the count of queries must not depend on it.
            Thread.sleep(100);
            stored.set(new Thing(id, write == 2 ? "Running" : "Provisioning"));
            updates.emit(FindThing.class, query -> query.id().equals(id), id);
        }
        assertThat(waiting.get(5, java.util.concurrent.TimeUnit.SECONDS)).contains(new Thing(id, "Running"));
        assertThat(asked.get()).as("queries: the first ask and one per notification").isLessThanOrEqualTo(5);
    }

    @Test
    void anUpdateOfAnotherObjectDoesNotWakeTheWait() throws Exception {
        UUID id = UUID.randomUUID();
        CompletableFuture<Optional<Thing>> waiting = dispatch.awaitView(new FindThing(id), Thing.class,
                Optional::isPresent).toFuture();
        for (int other = 0; other < 20; other++) {
            UUID someoneElse = UUID.randomUUID();
            updates.emit(FindThing.class, query -> query.id().equals(someoneElse), someoneElse);
        }
        stored.set(new Thing(id, "Pending"));
        updates.emit(FindThing.class, query -> query.id().equals(id), id);
        assertThat(waiting.get(5, java.util.concurrent.TimeUnit.SECONDS)).isPresent();
        assertThat(asked.get()).isLessThanOrEqualTo(3);
    }

    @Test
    void aViewWrittenWithoutANotificationIsFoundByTheSlowReAsk() throws Exception {
        UUID id = UUID.randomUUID();
        CompletableFuture<Optional<Thing>> waiting = dispatch.awaitView(new FindThing(id), Thing.class,
                Optional::isPresent).toFuture();
        stored.set(new Thing(id, "Pending"));
        assertThat(waiting.get(5, java.util.concurrent.TimeUnit.SECONDS)).isPresent();
        assertThat(asked.get()).isLessThanOrEqualTo(3);
    }

    /**
     * A create registers its wait before the command goes out: the projection's notice may come while the command is
     * still being answered, and the view is then read once, not first in vain and again.
     */
    @Test
    void aCreateReadsItsNewViewOnceWhenTheProjectionSaysItWroteIt() {
        UUID id = UUID.randomUUID();
        CommandGateway commands = Mockito.mock(CommandGateway.class);
        Mockito.when(commands.send(Mockito.any())).thenAnswer(command -> {
            stored.set(new Thing(id, "Pending"));
            updates.emit(FindThing.class, query -> query.id().equals(id), id);
            return CompletableFuture.completedFuture(null);
        });
        CommandDispatch creating = new CommandDispatch(commands, DefaultQueryGateway.builder()
                .queryBus(bus).build());

        Optional<Thing> answer = creating.sendAndAwaitNewView(new Object(), new Caller("someone", List.of()),
                new FindThing(id), Thing.class).block(Duration.ofSeconds(5));

        assertThat(answer).contains(new Thing(id, "Pending"));
        assertThat(asked.get()).isEqualTo(1);
    }

    @Test
    void aRefusedCreateFailsWithoutWaiting() {
        CommandGateway commands = Mockito.mock(CommandGateway.class);
        Mockito.when(commands.send(Mockito.any())).thenReturn(CompletableFuture.failedFuture(
                new IllegalStateException("refused")));
        CommandDispatch creating = new CommandDispatch(commands, DefaultQueryGateway.builder()
                .queryBus(bus).build());

        assertThatThrownBy(() -> creating.sendAndAwaitNewView(new Object(), new Caller("someone", List.of()),
                new FindThing(UUID.randomUUID()), Thing.class).block(Duration.ofSeconds(5)))
                .hasMessageContaining("refused");
        assertThat(asked.get()).isZero();
    }
}
