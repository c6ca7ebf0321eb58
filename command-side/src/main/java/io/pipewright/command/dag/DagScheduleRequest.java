package io.pipewright.command.dag;

import io.pipewright.command.web.Violations;
import io.pipewright.kernel.dag.DagSchedule;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The body of {@code PUT /api/v1/pipelines/{id}/schedule}: a five-field cron, a time zone of the tz database
 * (default UTC), on or off (default on), and what happens to due times missed while no control plane ran
 * ({@code none}, {@code latest}, {@code all}; default {@code latest}).
 */
record DagScheduleRequest(String cron, String timeZone, Boolean enabled, String catchUp) {

    DagSchedule toSchedule() {
        Violations violations = new Violations();
        if (violations.required("cron", cron)) {
            DagPipelineRequest.cronProblem(cron).ifPresent(problem -> violations.check("cron", false, problem));
        }
        String zone = timeZone == null ? DagPipeline.UTC : timeZone;
        violations.check("time_zone", isZone(zone), "must be a time zone of the tz database, e.g. Europe/Helsinki");
        List<String> catchUps = Arrays.stream(DagSchedule.CatchUp.values()).map(DagSchedule.CatchUp::wireName)
                .toList();
        String catchUpName = catchUp == null ? DagSchedule.CatchUp.LATEST.wireName() : catchUp;
        violations.check("catch_up", catchUps.contains(catchUpName), "must be one of " + String.join(", ", catchUps));
        violations.throwIfAny();
        return new DagSchedule(cron.strip(), zone, enabled == null || enabled,
                DagSchedule.CatchUp.valueOf(catchUpName.toUpperCase(Locale.ROOT)));
    }

    private static boolean isZone(String zone) {
        try {
            ZoneId.of(zone);
            return true;
        } catch (DateTimeException e) {
            return false;
        }
    }
}
