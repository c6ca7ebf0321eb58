package io.pipewright.adapters.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

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
}
