package io.pipewright.command.dag;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class DagSqlTest {

    @Test
    void rowCountChecksAreRecognized() {
        assertThat(DagSql.rowCountCheck("row_count > 0")).contains(new DagSql.RowCountCheck(">", BigDecimal.ZERO));
        assertThat(DagSql.rowCountCheck("  row_count!=10 ")).contains(new DagSql.RowCountCheck("<>",
                BigDecimal.TEN));
        assertThat(DagSql.rowCountCheck("row_count >= 1.5")).contains(new DagSql.RowCountCheck(">=",
                new BigDecimal("1.5")));
        assertThat(DagSql.rowCountCheck("row_count > revenue")).isEmpty();
        assertThat(DagSql.checkProblem("row_count >= 100")).isEmpty();
    }

    @Test
    void columnPredicatesOfTheGrammarAreAllowed() {
        for (String check : List.of("revenue >= 0", "region IS NOT NULL", "NOT (a = 1 OR b <> 'x')",
                "amount BETWEEN -10 AND 10.5", "status IN ('paid', 'shipped')", "status NOT IN (1, 2)",
                "active = TRUE", "created >= DATE '2026-01-01'", "amount::numeric > 0",
                "CAST(created_on AS date) IS NOT NULL", "flag", "a <= b AND c IS NULL")) {
            assertThat(DagSql.checkProblem(check)).as(check).isEmpty();
        }
    }

    @Test
    void anythingElseIsRefused() {
        for (String check : List.of("upper(region) = 'EU'", "revenue > (SELECT 0)",
                "id IN (SELECT id FROM other.t)", "o.revenue > 0", "revenue + 1 > 0", "x::regclass IS NOT NULL",
                "revenue >= ${execution_date}", "revenue >=", "region LIKE 'E%'", "now() > created")) {
            assertThat(DagSql.checkProblem(check)).as(check).isPresent();
        }
    }

    @Test
    void aCheckThatDoesNotParseSaysWhere() {
        assertThat(DagSql.checkProblem("revenue >= AND 1")).hasValueSatisfying(problem ->
                assertThat(problem).startsWith("does not parse as a check: line 1, column 12"));
    }

    @Test
    void placeholdersAreReplacedKeepingPositions() {
        String query = "SELECT '${execution_date}', ${run_id} FROM t";
        String replaced = DagSql.withDummyValues(query);

        assertThat(replaced).hasSameSizeAs(query).isEqualTo("SELECT '0                ', 0         FROM t");
        assertThat(DagSql.unknownPlaceholders("a ${run_id} ${b} ${} ${pipeline_name}")).containsExactly("${b}",
                "${}");
    }

    @Test
    void anUnterminatedStringIsReportedWithItsPosition() {
        assertThat(DagSql.queryProblem("SELECT 'abc FROM t")).hasValueSatisfying(problem ->
                assertThat(problem).startsWith("does not parse as SQL: line 1, column "));
    }
}
