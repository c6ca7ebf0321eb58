package io.pipewright.sagas.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.kernel.pipeline.RecordConnectorHealth;
import io.pipewright.kernel.pipeline.TaskState;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What a round records of a pipeline whose worker did not answer: once, the worker unreachable since that round (so
 * the pipeline shows degraded), its tasks as last seen; nothing while it is already recorded so, nor when the worker
 * answered (its answer is compared as usual and replaces the unreachable state).
 */
class UnansweredWorkerTest {

    private static final Instant ROUND = Instant.parse("2026-11-26T05:00:00Z");
    private static final List<TaskState> RUNNING_TASK = List.of(new TaskState(0, "RUNNING"));

    @Test
    void aRunningPipelineWhoseWorkerDidNotAnswerIsRecordedUnreachableSinceThatRound() {
        MonitoredPipeline pipeline = pipeline("RUNNING");

        assertThat(UnansweredWorker.of(pipeline, false, ROUND)).contains(new RecordConnectorHealth(
                pipeline.pipelineId(), "UNREACHABLE", RUNNING_TASK, "the Kafka Connect worker did not answer since"
                + " 2026-11-26T05:00:00Z; nothing is known of the connector until it does (the pipeline is not failed"
                + " for it)", ROUND));
    }

    @Test
    void aPipelineAlreadyRecordedUnreachableIsNotRecordedAgainSoItsSinceStays() {
        assertThat(UnansweredWorker.of(pipeline("UNREACHABLE"), false, ROUND.plusSeconds(60))).isEmpty();
    }

    @Test
    void aWorkerThatAnsweredRecordsNothingUnreachable() {
        assertThat(UnansweredWorker.of(pipeline("RUNNING"), true, ROUND)).isEmpty();
        assertThat(UnansweredWorker.of(pipeline("UNREACHABLE"), true, ROUND)).isEmpty();
    }

    private static MonitoredPipeline pipeline(String recordedState) {
        return new MonitoredPipeline(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(),
                recordedState, RUNNING_TASK, null, false, null, false, null, null, false);
    }
}
