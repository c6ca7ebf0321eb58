package io.pipewright.command.web;

import io.pipewright.kernel.access.Caller;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.function.Predicate;
import org.axonframework.commandhandling.GenericCommandMessage;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.axonframework.eventsourcing.IncompatibleAggregateException;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.axonframework.queryhandling.QueryGateway;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sends commands from WebFlux handlers and waits for the views to show their effect, so that what a 2xx answer
 * promises is already readable. Command handling appends to PostgreSQL over JDBC, so it runs on boundedElastic,
 * never on the event loop.
 */
@Component
public class CommandDispatch {

    public static final String ACTOR = "actor";
    private static final Duration VIEW_WAIT = Duration.ofSeconds(10);

    private final CommandGateway commands;
    private final QueryGateway queries;

    CommandDispatch(CommandGateway commands, QueryGateway queries) {
        this.commands = commands;
        this.queries = queries;
    }

    public Mono<Void> send(Object command, Caller caller) {
        return sendForResult(command, caller).then();
    }

    public <R> Mono<R> sendForResult(Object command, Caller caller) {
        return Mono.fromFuture(() -> commands.<R>send(GenericCommandMessage.asCommandMessage(command)
                        .andMetaData(MetaData.with(ACTOR, caller.username()))))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(CompletionException.class, Throwable::getCause);
    }

    /**
     * True when a command went to an id that is no aggregate of the expected kind: none at all (or a deleted one), or
     * another kind's (a service's id where a pipeline's is expected, whose events do not make a pipeline). A
     * controller answers that as its kind's 404, the same as for an id of another organization.
     */
    public static boolean isUnknownAggregate(Throwable failure) {
        return failure instanceof AggregateNotFoundException || failure instanceof IncompatibleAggregateException;
    }

    /**
     * Asks the query side until its answer satisfies {@code ready}; views trail the events by milliseconds. The
     * answer is empty when the view no longer has the object (e.g. a pipeline whose deletion completed).
     */
    public <Q, R> Mono<Optional<R>> awaitView(Q query, Class<R> viewType, Predicate<Optional<R>> ready) {
        return Mono.defer(() -> Mono.fromFuture(queries.query(query, ResponseTypes.optionalInstanceOf(viewType))))
                .filter(ready)
                .repeatWhenEmpty(attempts -> attempts.delayElements(Duration.ofMillis(20)))
                .timeout(VIEW_WAIT)
                .onErrorMap(CompletionException.class, Throwable::getCause);
    }
}
