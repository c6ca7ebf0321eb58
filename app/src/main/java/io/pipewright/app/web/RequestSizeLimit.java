package io.pipewright.app.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses a request body announced larger than {@code spring.codec.max-in-memory-size} with 413 before reading it,
 * ahead of authentication: no request of this API needs more, and a huge body must not cost a bcrypt check or memory.
 * A body sent without a length is cut at the same size by the codecs.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class RequestSizeLimit implements WebFilter {

    private final long maxBytes;
    private final ObjectMapper json;

    RequestSizeLimit(@Value("${spring.codec.max-in-memory-size}") DataSize max, ObjectMapper json) {
        this.maxBytes = max.toBytes();
        this.json = json;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long length = exchange.getRequest().getHeaders().getContentLength();
        if (length <= maxBytes) {
            return chain.filter(exchange);
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.PAYLOAD_TOO_LARGE,
                "the request body has " + length + " bytes; at most " + maxBytes + " are accepted");
        problem.setTitle("Request body too large");
        problem.setInstance(exchange.getRequest().getURI());
        var response = exchange.getResponse();
        response.setStatusCode(HttpStatus.PAYLOAD_TOO_LARGE);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        try {
            return response.writeWith(Mono.just(response.bufferFactory().wrap(json.writeValueAsBytes(problem))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
