package io.pipewright.adapters.dag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What a quality check may say, and the SQL rendered from its parse tree (no text of the check passes unparsed). */
class QualityCheckTest {

    @Test
    void rowCountChecksCompareInJava() {
        QualityCheck.RowCount positive = (QualityCheck.RowCount) QualityCheck.parse("row_count > 0");
        assertThat(positive.holds(1)).isTrue();
        assertThat(positive.holds(0)).isFalse();
        assertThat(((QualityCheck.RowCount) QualityCheck.parse("ROW_COUNT != 3")).holds(3)).isFalse();
        assertThat(((QualityCheck.RowCount) QualityCheck.parse("row_count<>3")).holds(4)).isTrue();
        assertThat(((QualityCheck.RowCount) QualityCheck.parse("row_count <= 10")).holds(10)).isTrue();
        assertThat(((QualityCheck.RowCount) QualityCheck.parse("row_count = 2")).holds(2)).isTrue();
    }

    @Test
    void predicatesAreRenderedFromTheirParseTreeWithColumnsQuotedAndLiteralsRewritten() {
        assertThat(sql("revenue >= 0")).isEqualTo("\"revenue\" >= 0");
        assertThat(sql("Revenue != -1.5 AND NOT (\"Region\" IS NULL)"))
                .isEqualTo("\"revenue\" <> -1.5 AND NOT (\"Region\" IS NULL)");
        assertThat(sql("region IN ('eu', 'it''s') OR amount NOT BETWEEN 1 AND 1e3"))
                .isEqualTo("\"region\" IN ('eu', 'it''s') OR \"amount\" NOT BETWEEN 1 AND 1E+3");
        assertThat(sql("active = TRUE AND deleted_at IS NOT NULL")).isEqualTo("\"active\" = TRUE AND \"deleted_at\""
                + " IS NOT NULL");
    }

    @Test
    void anythingElseIsRefusedSayingWhat() {
        assertThatThrownBy(() -> QualityCheck.parse("lower(region) = 'eu'")).isInstanceOf(QualityCheck.Refused.class)
                .hasMessageStartingWith("it contains a function call (lower(region))");
        assertThatThrownBy(() -> QualityCheck.parse("revenue IN (SELECT 1)")).isInstanceOf(QualityCheck.Refused.class)
                .hasMessageContaining("IN with anything but a list of values");
        assertThatThrownBy(() -> QualityCheck.parse("revenue > (SELECT max(revenue) FROM other)"))
                .isInstanceOf(QualityCheck.Refused.class).hasMessageStartingWith("it contains a subquery");
        assertThatThrownBy(() -> QualityCheck.parse("revenue >= 0; DROP TABLE analytics.revenue"))
                .isInstanceOf(QualityCheck.Refused.class).hasMessage("it is not a SQL condition");
        assertThatThrownBy(() -> QualityCheck.parse("o.revenue >= 0")).isInstanceOf(QualityCheck.Refused.class)
                .hasMessageStartingWith("it contains a qualified column");
        assertThatThrownBy(() -> QualityCheck.parse("revenue + 1 > 0")).isInstanceOf(QualityCheck.Refused.class);
        assertThatThrownBy(() -> QualityCheck.parse("revenue::int > 0")).isInstanceOf(QualityCheck.Refused.class);
        assertThatThrownBy(() -> QualityCheck.parse("region = E'\\\\x'")).isInstanceOf(QualityCheck.Refused.class);
        assertThatThrownBy(() -> QualityCheck.parse("region LIKE 'e%'")).isInstanceOf(QualityCheck.Refused.class);
        assertThatThrownBy(() -> QualityCheck.parse("revenue = ?")).isInstanceOf(QualityCheck.Refused.class);
        assertThatThrownBy(() -> QualityCheck.parse(" ")).isInstanceOf(QualityCheck.Refused.class);
    }

    private static String sql(String check) {
        return ((QualityCheck.Predicate) QualityCheck.parse(check)).sql();
    }
}
