package io.pipewright.query.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** limit: 100 when absent, 1 to 1,000 taken as given, anything else a 400 naming the field. */
class PageRequestTest {

    @Test
    void aLimitFromOneToAThousandIsTakenAndNoneMeansAHundred() {
        assertThat(PageRequest.limit(null)).isEqualTo(100);
        assertThat(PageRequest.limit("1")).isEqualTo(1);
        assertThat(PageRequest.limit("1000")).isEqualTo(1000);
        assertThat(PageRequest.limit("0042")).isEqualTo(42);
    }

    @Test
    void anyOtherLimitIsRefusedNamingTheField() {
        for (String limit : new String[] {"0", "1001", "-1", "", "ten", "1e3", "99999999999", " 5"}) {
            assertThatThrownBy(() -> PageRequest.limit(limit))
                    .as(limit)
                    .isInstanceOfSatisfying(InvalidParameter.class, refused -> assertThat(
                            refused.getBody().getProperties())
                            .containsEntry("field", "limit")
                            .containsEntry("rule", "must be a whole number from 1 to 1000"));
        }
    }
}
