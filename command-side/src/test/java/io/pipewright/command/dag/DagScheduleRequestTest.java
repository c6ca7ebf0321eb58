package io.pipewright.command.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipewright.command.web.FieldViolation;
import io.pipewright.command.web.InvalidRequest;
import io.pipewright.kernel.dag.DagSchedule;
import io.pipewright.kernel.dag.DagSchedule.CatchUp;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class DagScheduleRequestTest {

    @Test
    void takesTheScheduleAsked() {
        assertThat(new DagScheduleRequest("0 6 * * *", "Europe/Helsinki", false, "all").toSchedule())
                .isEqualTo(new DagSchedule("0 6 * * *", "Europe/Helsinki", false, CatchUp.ALL));
    }

    @Test
    void defaultsToAnEnabledUtcScheduleCatchingUpTheLatest() {
        assertThat(new DagScheduleRequest("*/15 * * * *", null, null, null).toSchedule())
                .isEqualTo(new DagSchedule("*/15 * * * *", "UTC", true, CatchUp.LATEST));
    }

    @Test
    void namesEveryBadField() {
        assertThatThrownBy(() -> new DagScheduleRequest("0 25 * * *", "Mars/Olympus", true, "some").toSchedule())
                .isInstanceOf(InvalidRequest.class)
                .satisfies(e -> assertThat(((InvalidRequest) e).violations()).extracting(FieldViolation::field)
                        .containsExactly("cron", "time_zone", "catch_up"));
        assertThatThrownBy(() -> new DagScheduleRequest(null, null, null, null).toSchedule())
                .isInstanceOf(InvalidRequest.class)
                .hasMessage("cron: is required");
    }

    @Test
    void aRunIsForAnIsoDate() {
        assertThat(new DagRunRequest("2026-11-26").parsedExecutionDate()).isEqualTo(LocalDate.of(2026, 11, 26));
        assertThat(new DagRunRequest(null).parsedExecutionDate()).isNull();
        assertThatThrownBy(() -> new DagRunRequest("26.11.2026").parsedExecutionDate())
                .isInstanceOf(InvalidRequest.class)
                .hasMessage("execution_date: must be an ISO date, e.g. 2026-11-26");
    }
}
