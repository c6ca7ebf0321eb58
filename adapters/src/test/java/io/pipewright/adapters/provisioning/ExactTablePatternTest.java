package io.pipewright.adapters.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Debezium compiles each entry of {@code table.include.list} case-insensitively and matches it whole against
 * {@code schema.table}: the entry for a table must match that table and nothing else, whatever its name holds.
 */
class ExactTablePatternTest {

    @Test
    void aNameWithRegexMetacharactersMatchesOnlyItself() {
        assertMatchesOnly("public.a.b+c", "public.a.bbc", "public.aXb+c", "public.a.b+C", "public.A.B+C");
        assertMatchesOnly("public.t(1)|u", "public.t1", "u", "public.t(1)|U");
        assertMatchesOnly("sales.x$y\\", "sales.x", "sales.xy\\", "SALES.x$y\\");
        assertMatchesOnly("public.Order Lines*", "public.order lines*", "public.Order Liness");
        assertMatchesOnly("public.ünïcode[0-9]?", "public.ünïcode5", "public.ÜNÏCODE[0-9]?");
    }

    private static void assertMatchesOnly(String table, String... others) {
        Pattern asDebeziumReadsIt = Pattern.compile(ConnectorDeployment.exactTablePattern(table),
                Pattern.CASE_INSENSITIVE);
        assertThat(asDebeziumReadsIt.matcher(table).matches()).as(table).isTrue();
        for (String other : others) {
            assertThat(asDebeziumReadsIt.matcher(other).matches()).as(table + " vs " + other).isFalse();
        }
    }
}
