package io.pipewright.query.page;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A query or path parameter that breaks a rule, answered as the same 400 problem the command side gives a bad body
 * ({@code field}, {@code rule} and {@code errors}), so a client reads every refusal one way. Being an
 * {@link ErrorResponseException}, it is rendered by the application's problem handling without the query side
 * depending on the command side.
 */
public final class InvalidParameter extends ErrorResponseException {

    public InvalidParameter(String field, String rule) {
        super(HttpStatus.BAD_REQUEST, problem(field, rule), null);
    }

    /** A parameter that must be a UUID, refused as the annotated controllers refuse a path variable that is none. */
    public static UUID uuid(String field, String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException notUuid) {
            throw new InvalidParameter(field, "must be a UUID");
        }
    }

    private static ProblemDetail problem(String field, String rule) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, field + " " + rule);
        problem.setTitle("Invalid request");
        problem.setProperty("field", field);
        problem.setProperty("rule", rule);
        problem.setProperty("errors", List.of(Map.of("field", field, "rule", rule)));
        return problem;
    }
}
