package io.pipewright.app.logging;

import io.pipewright.command.web.CommandDispatch;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * Gives every request an id that its answer shows ({@code X-Request-Id}) and its commands carry into the control
 * plane's logs ({@code request_id}, see {@link PipelineLogContext}; the web layer's own error log reads it from the
 * exchange's attributes), so a client's failed call can be found in the log.
 * A client may send its own id (a proxy's or a script's), kept only when it is 1 to 64 letters, digits or
 * {@code . _ : -}; anything else is replaced, never logged.
 */
@Component
class RequestIds implements WebFilter, Ordered {

    static final String HEADER = "X-Request-Id";
    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        String given = exchange.getRequest().getHeaders().getFirst(HEADER);
        String id = given != null && ACCEPTED.matcher(given).matches() ? given : newId();
        exchange.getResponse().getHeaders().set(HEADER, id);
        exchange.getAttributes().put(CommandDispatch.REQUEST_ID, id);
        return chain.filter(exchange).contextWrite(Context.of(CommandDispatch.REQUEST_ID, id));
    }

    /** First, so that a refused request (401, 429) has an id too. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }

    private static String newId() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }
}
