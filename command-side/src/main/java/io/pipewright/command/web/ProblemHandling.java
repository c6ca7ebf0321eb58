package io.pipewright.command.web;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.pipewright.kernel.CommandRefused;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.axonframework.eventsourcing.IncompatibleAggregateException;
import org.axonframework.modelling.command.AggregateNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.reactive.result.method.annotation.ResponseEntityExceptionHandler;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebInputException;
import reactor.core.publisher.Mono;

/**
 * Every refusal as an RFC 7807 problem: 400 names the field and the rule ({@code field}, {@code rule}, and all of
 * them in {@code errors}), 404 and 409 say why in {@code detail}. Anything else is a 500 whose detail hides the cause.
 */
@RestControllerAdvice
public class ProblemHandling extends ResponseEntityExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ProblemHandling.class);

    @ExceptionHandler(InvalidRequest.class)
    ResponseEntity<ProblemDetail> invalid(InvalidRequest invalid) {
        return badRequest(invalid.violations());
    }

    @ExceptionHandler(CommandRefused.class)
    ResponseEntity<ProblemDetail> refused(CommandRefused refused) {
        HttpStatus status = switch (refused.reason()) {
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case CONFLICT -> HttpStatus.CONFLICT;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
        };
        return problem(status, refused.getMessage());
    }

    /** A command to an id that is no aggregate of the kind it addresses (see {@link CommandDispatch}): never a 500. */
    @ExceptionHandler({AggregateNotFoundException.class, IncompatibleAggregateException.class})
    ResponseEntity<ProblemDetail> gone(Exception notFound) {
        return problem(HttpStatus.NOT_FOUND, "not found");
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpectedException(Exception failure, ServerWebExchange exchange) {
        return unexpected(failure, exchange.getAttribute(CommandDispatch.REQUEST_ID));
    }

    @Override
    protected Mono<ResponseEntity<Object>> handleServerWebInputException(ServerWebInputException input,
                                                                         org.springframework.http.HttpHeaders headers,
                                                                         org.springframework.http.HttpStatusCode status,
                                                                         ServerWebExchange exchange) {
        return Mono.just(ResponseEntity.badRequest().body(badRequest(List.of(violationOf(input))).getBody()));
    }

    private static FieldViolation violationOf(ServerWebInputException input) {
        MethodParameter parameter = input.getMethodParameter();
        if (parameter != null && parameter.getParameterName() != null && !parameter.hasParameterAnnotation(
                org.springframework.web.bind.annotation.RequestBody.class)) {
            return new FieldViolation(snakeCase(parameter.getParameterName()), "must be a UUID");
        }
        Throwable cause = input.getCause();
        while (cause != null && !(cause instanceof JsonMappingException)) {
            if (cause instanceof com.fasterxml.jackson.core.JsonProcessingException) {
                return new FieldViolation("body", "must be well-formed JSON");
            }
            cause = cause.getCause();
        }
        if (cause instanceof UnrecognizedPropertyException unknown) {
            return new FieldViolation(path(unknown), "is not a known field");
        }
        if (cause instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return new FieldViolation(path(mapping), "has the wrong type");
        }
        return new FieldViolation("body", "must be a JSON object of the documented shape");
    }

    private static String path(JsonMappingException mapping) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : mapping.getPath()) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "body" : path.toString();
    }

    private static String snakeCase(String name) {
        return new PropertyNamingStrategies.SnakeCaseStrategy().translate(name);
    }

    private static ResponseEntity<ProblemDetail> badRequest(List<FieldViolation> violations) {
        FieldViolation first = violations.get(0);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                violations.stream().map(v -> v.field() + " " + v.rule()).collect(Collectors.joining("; ")));
        problem.setTitle("Invalid request");
        problem.setProperty("field", first.field());
        problem.setProperty("rule", first.rule());
        problem.setProperty("errors", violations.stream()
                .map(v -> Map.of("field", v.field(), "rule", v.rule())).toList());
        return ResponseEntity.badRequest().body(problem);
    }

    private static ResponseEntity<ProblemDetail> problem(HttpStatus status, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(status.getReasonPhrase());
        return ResponseEntity.status(status).body(problem);
    }

    /** Logged with the request's id (the answer's {@code X-Request-Id}), so the caller's report finds this line. */
    private static ResponseEntity<Object> unexpected(Throwable failure, String requestId) {
        if (requestId != null) {
            MDC.put(CommandDispatch.REQUEST_ID, requestId);
        }
        try {
            LOG.error("Request failed unexpectedly", failure);
        } finally {
            MDC.remove(CommandDispatch.REQUEST_ID);
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.INTERNAL_SERVER_ERROR,
                "The control plane failed to handle the request; the cause is in its log.");
        problem.setTitle("Internal error");
        return ResponseEntity.internalServerError().body(problem);
    }
}
