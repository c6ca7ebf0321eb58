package io.pipewright.localstack;

import static io.pipewright.localstack.SourcePostgresTest.query;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(LocalStackExtension.class)
class StandbyTest {

    @TempDir
    Path temporary;

    @Test
    void standbyOfTheRunningSourceFollowsItAndAcceptsWritesOncePromoted(LocalStack stack) throws Exception {
        PostgresServer source = stack.source();
        String database = LocalStack.SOURCE_DATABASE;
        source.execute(database, "CREATE TABLE standby_probe (id int PRIMARY KEY, note text); "
                + "INSERT INTO standby_probe VALUES (1, 'before the standby')");
        long sourcePid = source.pid();

        PostgresServer standby = source.createStandby(temporary.resolve("standby"));
        try {
            assertThat(source.pid()).isEqualTo(sourcePid);
            assertThat(standby.isInRecovery()).isTrue();
            assertThat(standby.port()).isNotEqualTo(source.port());
            assertThat(query(standby, database, "SELECT note FROM standby_probe")).containsExactly("before the standby");

            source.execute(database, "INSERT INTO standby_probe VALUES (2, 'streamed')");
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
                    .until(() -> query(standby, database, "SELECT count(*) FROM standby_probe").equals(List.of("2")));

            standby.promote();

            assertThat(standby.isInRecovery()).isFalse();
            standby.execute(database, "INSERT INTO standby_probe VALUES (3, 'written on the promoted standby')");
            assertThat(query(standby, database, "SELECT id FROM standby_probe ORDER BY id")).containsExactly("1", "2", "3");
            assertThat(query(source, database, "SELECT id FROM standby_probe ORDER BY id")).containsExactly("1", "2");
        } finally {
            long standbyPid = standby.pid();
            standby.stop();
            assertThat(ProcessHandle.of(standbyPid).filter(ProcessHandle::isAlive)).isEmpty();
            source.execute("postgres", "SELECT pg_drop_replication_slot('" + standby.standbySlotName().orElseThrow() + "')");
            source.execute(database, "DROP TABLE standby_probe");
        }
    }

    @Test
    void failoverSlotIsSynchronisedToTheStandbyAndDecodesAfterPromotion(LocalStack stack) throws Exception {
        PostgresServer primary = PostgresServer.builder()
                .name("failover-primary")
                .dataDirectory(temporary.resolve("primary"))
                .workDirectory(stack.workDirectory())
                .start();
        PostgresServer standby = null;
        try {
            primary.execute("postgres", "CREATE TABLE failover_probe (id int PRIMARY KEY); "
                    + "CREATE PUBLICATION failover_publication FOR TABLE failover_probe");
            standby = primary.createStandby(temporary.resolve("standby"));
            primary.synchronizeFailoverSlotsWith(standby);
            primary.execute("postgres",
                    "SELECT pg_create_logical_replication_slot('failover_slot', 'pgoutput', false, false, true)");
            PostgresServer follower = standby;
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> query(follower, "postgres",
                    "SELECT synced FROM pg_replication_slots WHERE slot_name = 'failover_slot'").equals(List.of("t")));

            primary.execute("postgres", "INSERT INTO failover_probe VALUES (1)");
            standby.awaitCaughtUpWith(primary);
            primary.stop();
            standby.promote();

            assertThat(Integer.parseInt(query(standby, "postgres", "SELECT count(*) FROM pg_logical_slot_peek_binary_changes("
                    + "'failover_slot', NULL, NULL, 'proto_version', '1', 'publication_names', 'failover_publication')").get(0)))
                    .as("pgoutput messages of the insert made before the failover")
                    .isGreaterThanOrEqualTo(3);
        } finally {
            if (standby != null) {
                standby.stop();
            }
            primary.stop();
        }
    }
}
