package io.pipewright.command.web;

import io.pipewright.kernel.MessageMetadata;
import io.pipewright.kernel.access.Caller;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.util.context.ContextView;

/**
 * Sends commands from WebFlux handlers and waits for the views to show their effect, so that what a 2xx answer
 * promises is already readable. Command handling appends to PostgreSQL over JDBC, so it runs on boundedElastic,
 * never on the event loop.
 */
@Component
public class CommandDispatch {

    public static final String ACTOR = MessageMetadata.ACTOR;
    /**
     * The HTTP request's id: a key of the Reactor context the web layer puts it in, and of the command's metadata,
     * from where it reaches everything the command causes (see the app's {@code PipelineLogContext}).
     */
    public static final String REQUEST_ID = MessageMetadata.REQUEST_ID;
    private static final Duration VIEW_WAIT = Duration.ofSeconds(10);
    static final long FALLBACK_MILLIS = 500;

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
        return Mono.deferContextual(context -> Mono.fromFuture(() -> commands.<R>send(
                        GenericCommandMessage.asCommandMessage(command).andMetaData(metaData(caller, context)))))
                .subscribeOn(Schedulers.boundedElastic())
                .onErrorMap(CompletionException.class, Throwable::getCause);
    }

    private static MetaData metaData(Caller caller, ContextView context) {
        MetaData actor = MetaData.with(ACTOR, caller.username());
        return context.<String>getOrEmpty(REQUEST_ID).map(id -> actor.and(REQUEST_ID, id)).orElse(actor);
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
     * Waits until the query side's answer satisfies {@code ready}; views trail the events by milliseconds. It asks once,
     * then again each time a projection says it changed a row of the object (a subscription query, updated through
     * {@code QueryUpdateEmitter} after the projection's write), so a 2xx answer leaves as soon as its view is written
     * and costs two or three queries, not a poll every few milliseconds. Projections of this node notify it; a slow
     * re-ask every {@value #FALLBACK_MILLIS} ms covers a view written by another control-plane node. The answer is
     * empty when the view no longer has the object (e.g. a pipeline whose deletion completed).
     */
    public <Q, R> Mono<Optional<R>> awaitView(Q query, Class<R> viewType, Predicate<Optional<R>> ready) {
        return watchView(query, viewType, ready, Mono.empty(), true);
    }

    /**
     * Sends a command that creates an object, then waits until its view shows it (the answer is then present). The
     * wait is registered before the command is sent, so no notice of the projection can come before it, and the view
     * is read only when a projection says it wrote the row (or by the slow re-ask): one query per create, not two.
     * A refused command fails the answer as {@link #send} does.
     */
    public <Q, R> Mono<Optional<R>> sendAndAwaitNewView(Object command, Caller caller, Q query, Class<R> viewType) {
        return watchView(query, viewType, Optional::isPresent, send(command, caller), false);
    }

    private <Q, R> Mono<Optional<R>> watchView(Q query, Class<R> viewType, Predicate<Optional<R>> ready,
                                               Mono<Void> first, boolean askAtOnce) {
        Mono<Optional<R>> ask = Mono.defer(() -> Mono.fromFuture(queries.query(query,
                ResponseTypes.optionalInstanceOf(viewType)))).onErrorMap(CompletionException.class, Throwable::getCause);
        return Mono.usingWhen(
                Mono.fromCallable(() -> queries.subscriptionQuery(query, ResponseTypes.optionalInstanceOf(viewType),
                        ResponseTypes.instanceOf(UUID.class))),
                subscription -> first.then(Flux.concat(askAtOnce ? ask : Mono.<Optional<R>>empty(),
                                Flux.merge(subscription.updates(), Flux.interval(Duration.ofMillis(FALLBACK_MILLIS)))
                                        .concatMap(changed -> ask))
                        .filter(ready)
                        .next()
                        .timeout(VIEW_WAIT)),
                subscription -> Mono.fromRunnable(subscription::cancel));
    }
}
