package io.pipewright.query.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipewright.query.page.InvalidParameter;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The filters of the pipeline list: checked values, and the name prefix as a code-point range. */
class PipelineFilterTest {

    @Test
    void aStatusMustBeALiveOne() {
        assertThat(PipelineFilter.of("Running", null).status()).isEqualTo("Running");
        for (String status : new String[] {"Deleted", "running", "", "Runnin"}) {
            assertThatThrownBy(() -> PipelineFilter.of(status, null))
                    .isInstanceOfSatisfying(InvalidParameter.class, refused -> assertThat(
                            refused.getBody().getProperties())
                            .containsEntry("field", "status")
                            .containsEntry("rule",
                                    "must be one of Pending, Provisioning, Running, Paused, Failed, Deleting"));
        }
    }

    @Test
    void aNamePrefixIsBoundedAndAnEmptyOneFiltersNothing() {
        assertThat(PipelineFilter.of(null, "").namePrefix()).isNull();
        assertThat(PipelineFilter.of(null, "x".repeat(255)).namePrefix()).hasSize(255);
        assertThatThrownBy(() -> PipelineFilter.of(null, "x".repeat(256)))
                .isInstanceOfSatisfying(InvalidParameter.class, refused -> assertThat(
                        refused.getBody().getProperties()).containsEntry("field", "name_prefix"));
    }

    @Test
    void theEndOfAPrefixRangeIsTheNextStringInCodePointOrder() {
        assertThat(PipelineFilter.of(null, "orders-").namePrefixEnd()).isEqualTo("orders.");
        assertThat(PipelineFilter.of(null, "a\uD7FF").namePrefixEnd()).isEqualTo("a\uE000");
        String maxCodePoint = new String(Character.toChars(Character.MAX_CODE_POINT));
        assertThat(PipelineFilter.of(null, "a" + maxCodePoint).namePrefixEnd()).isEqualTo("b");
        assertThat(PipelineFilter.of(null, maxCodePoint).namePrefixEnd()).isNull();
    }

    @Test
    void aTokenIsBoundToTheOrganizationAndFilters() {
        UUID organization = UUID.randomUUID();
        assertThat(PipelineFilter.of("Running", "a").listing(organization))
                .isNotEqualTo(PipelineFilter.of("Running", null).listing(organization))
                .isNotEqualTo(PipelineFilter.of(null, "a").listing(organization))
                .isNotEqualTo(PipelineFilter.of("Running", "a").listing(UUID.randomUUID()));
    }
}
