package io.pipewright.localstack;

import static io.pipewright.localstack.SourcePostgresTest.query;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class LocalStackTest {

    @Test
    void reportsItsPartsInStartOrderWithTheirProcesses(LocalStack stack) {
        assertThat(stack.startupTimings()).containsOnlyKeys(
                LocalStack.CONTROL_PLANE_POSTGRESQL, LocalStack.SOURCE_POSTGRESQL, LocalStack.KAFKA, LocalStack.KAFKA_CONNECT);
        assertThat(stack.startupTimings().keySet()).containsExactly(
                LocalStack.CONTROL_PLANE_POSTGRESQL, LocalStack.SOURCE_POSTGRESQL, LocalStack.KAFKA, LocalStack.KAFKA_CONNECT);
        assertThat(stack.startupTimings().values()).allSatisfy(took -> assertThat(took).isPositive());

        Map<String, Long> processIds = stack.processIds();
        assertThat(processIds).containsKeys(LocalStack.CONTROL_PLANE_POSTGRESQL, LocalStack.SOURCE_POSTGRESQL,
                LocalStack.KAFKA, LocalStack.KAFKA_CONNECT, LocalStack.REAPER);
        assertThat(processIds.values()).doesNotHaveDuplicates().allSatisfy(pid ->
                assertThat(ProcessHandle.of(pid)).hasValueSatisfying(process -> assertThat(process.isAlive()).isTrue()));
    }

    @Test
    void keepsDataAndPortAcrossRunsWhenAskedTo() throws Exception {
        Path work = Path.of("target", "keep-data-stack");
        FileTrees.deleteRecursively(work);
        int firstPort;
        long firstPid;
        try (LocalStack first = LocalStack.builder().workDirectory(work).keepData(true)
                .withSource(false).withKafka(false).withConnect(false).start()) {
            first.controlPlaneDatabase().execute("postgres", "CREATE TABLE kept (note text); INSERT INTO kept VALUES ('kept')");
            firstPort = first.controlPlaneDatabase().port();
            firstPid = first.controlPlaneDatabase().pid();
            first.close();
            assertThat(ProcessHandle.of(firstPid).filter(ProcessHandle::isAlive)).isEmpty();
        }

        try (LocalStack second = LocalStack.builder().workDirectory(work).keepData(true)
                .withSource(false).withKafka(false).withConnect(false).start()) {
            assertThat(second.controlPlaneDatabase().port()).isEqualTo(firstPort);
            assertThat(query(second.controlPlaneDatabase(), "postgres", "SELECT note FROM kept")).containsExactly("kept");
            assertThat(second.processIds()).containsOnlyKeys(LocalStack.CONTROL_PLANE_POSTGRESQL, LocalStack.REAPER);
        }
    }
}
