package io.pipewright.sagas.provisioning;

import io.pipewright.kernel.pipeline.TaskState;
import java.util.List;

/** Reads the state of a pipeline's connector and its tasks from Kafka Connect. */
public interface ConnectorObserver {

    record ConnectorStatus(String state, List<TaskState> tasks) {
    }

    ConnectorStatus observe(PipelineSpec pipeline);
}
