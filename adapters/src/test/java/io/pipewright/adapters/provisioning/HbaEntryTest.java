package io.pipewright.adapters.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipewright.sagas.provisioning.StepFailed;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How the pipeline's line is placed in, and taken out of, pg_hba.conf's text, and how names are written there. */
class HbaEntryTest {

    private static final String TAG = "# pipewright:a1b2";
    private static final String LINE = "host defaultdb pipewright_a1b2 127.0.0.1/32 scram-sha-256 " + TAG;
    private static final String FILE = """
            # TYPE  DATABASE  USER  ADDRESS  METHOD
            local   all       all            trust
            host    all       postgres 127.0.0.1/32 scram-sha-256
            host    replication postgres 127.0.0.1/32 scram-sha-256
            host    all       all   all      reject
            # trailing comment\t
            """;

    @Test
    void theEntryGoesAboveTheFirstCatchAllLine() {
        assertThat(HbaEntry.withEntry(FILE, TAG, LINE).lines().toList())
                .containsSubsequence("host    replication postgres 127.0.0.1/32 scram-sha-256", LINE,
                        "host    all       all   all      reject");
    }

    @Test
    void convergingTwiceKeepsOneEntry() {
        String once = HbaEntry.withEntry(FILE, TAG, LINE);
        assertThat(HbaEntry.withEntry(once, TAG, LINE)).isEqualTo(once);
    }

    @Test
    void removingGivesBackEveryByte() {
        assertThat(HbaEntry.withoutEntry(HbaEntry.withEntry(FILE, TAG, LINE), TAG)).isEqualTo(FILE);
        assertThat(HbaEntry.withoutEntry(FILE, TAG)).isEqualTo(FILE);
    }

    @Test
    void withoutACatchAllTheEntryGoesLast() {
        String noCatchAll = "local all all trust";
        assertThat(HbaEntry.withEntry(noCatchAll, TAG, LINE)).isEqualTo(noCatchAll + "\n" + LINE + "\n");
    }

    @Test
    void anotherPipelinesEntryStays() {
        String other = HbaEntry.withEntry(FILE, "# pipewright:ffff", "host db other 10.0.0.1/32 scram-sha-256 "
                + "# pipewright:ffff");
        assertThat(HbaEntry.withoutEntry(HbaEntry.withEntry(other, TAG, LINE), TAG)).isEqualTo(other);
    }

    @Test
    void keywordsAndUnusualNamesAreQuotedPlainNamesAreNot() {
        for (String keyword : List.of("all", "ALL", "replication", "sameuser", "samerole", "samegroup")) {
            assertThat(HbaEntry.hbaName(keyword)).isEqualTo('"' + keyword + '"');
        }
        assertThat(HbaEntry.hbaName("+admins")).isEqualTo("\"+admins\"");
        assertThat(HbaEntry.hbaName("@file")).isEqualTo("\"@file\"");
        assertThat(HbaEntry.hbaName("my db,other")).isEqualTo("\"my db,other\"");
        assertThat(HbaEntry.hbaName("defaultdb")).isEqualTo("defaultdb");
        assertThat(HbaEntry.hbaName("pipewright_0a1b")).isEqualTo("pipewright_0a1b");
    }

    @Test
    void aNameWithADoubleQuoteCannotBeWritten() {
        assertThatThrownBy(() -> HbaEntry.hbaName("a\"b")).isInstanceOf(StepFailed.class);
    }
}
