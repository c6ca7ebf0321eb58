package io.pipewright.adapters.dag;

import io.pipewright.sagas.dag.DagTaskRunner.Attempt;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reference's placeholders, {@code ${execution_date}}, {@code ${run_id}} and {@code ${pipeline_name}}, replaced by
 * the run's values in a SQL task's query and a notification's message. The values are validated upstream (an ISO date,
 * a UUID, a name of {@code [a-z0-9_]}); a query still refuses any value holding a quote or a backslash, so that a value
 * never ends the string literal the query puts it in, whatever let it through.
 */
final class Placeholders {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{(execution_date|run_id|pipeline_name)}");

    private Placeholders() {
    }

    /** {@code query} with the run's values, or {@link UnsafeValue} when one could leave its literal. */
    static String inQuery(String query, Attempt attempt) {
        Map<String, String> values = values(attempt);
        values.forEach((name, value) -> {
            if (value.indexOf('\'') >= 0 || value.indexOf('\\') >= 0 || value.indexOf('"') >= 0) {
                throw new UnsafeValue("the run's " + name + " holds a quote or a backslash, which a query does not"
                        + " take");
            }
        });
        return substitute(query, values);
    }

    /** {@code message} with the run's values, as they are: the message is sent as a JSON string, not run. */
    static String inMessage(String message, Attempt attempt) {
        return message == null ? null : substitute(message, values(attempt));
    }

    private static Map<String, String> values(Attempt attempt) {
        return Map.of("execution_date", String.valueOf(attempt.executionDate()),
                "run_id", String.valueOf(attempt.runId()),
                "pipeline_name", String.valueOf(attempt.pipelineName()));
    }

    /** In one pass, so a value is never read as a placeholder itself. */
    private static String substitute(String text, Map<String, String> values) {
        return PLACEHOLDER.matcher(text).replaceAll(found -> Matcher.quoteReplacement(values.get(found.group(1))));
    }

    /** A run's value that a query cannot take safely. */
    static final class UnsafeValue extends IllegalArgumentException {

        UnsafeValue(String message) {
            super(message);
        }
    }
}
