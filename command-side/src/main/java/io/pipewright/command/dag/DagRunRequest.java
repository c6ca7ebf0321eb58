package io.pipewright.command.dag;

import io.pipewright.command.web.Violations;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;

/**
 * The optional body of {@code POST /api/v1/pipelines/{id}/run}: the ISO date the run is for
 * ({@code ${execution_date}}); without it, today in the schedule's time zone.
 */
record DagRunRequest(String executionDate) {

    /** The date asked; refuses one that is not an ISO date ({@code 2026-11-26}). Null when none was given. */
    LocalDate parsedExecutionDate() {
        if (executionDate == null) {
            return null;
        }
        Violations violations = new Violations();
        LocalDate date = null;
        try {
            date = LocalDate.parse(executionDate);
        } catch (DateTimeParseException e) {
            violations.check("execution_date", false, "must be an ISO date, e.g. 2026-11-26");
        }
        violations.throwIfAny();
        return date;
    }
}
