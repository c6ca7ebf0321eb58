package io.pipewright.query.page;

import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A query parameter that breaks a rule, answered as the same 400 problem the command side gives a bad body ({@code
 * field}, {@code rule} and {@code errors}), so a client reads every refusal one way. Being an
 * {@link ErrorResponseException}, it is rendered by the application's problem handling without the query side
 * depending on the command side.
 */
public final class InvalidQueryParameter extends ErrorResponseException {

    public InvalidQueryParameter(String field, String rule) {
        super(HttpStatus.BAD_REQUEST, problem(field, rule), null);
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
