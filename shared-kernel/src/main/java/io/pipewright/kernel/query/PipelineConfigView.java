package io.pipewright.kernel.query;

import java.util.List;

/** A pipeline's {@code config} as the API shows it: wire values, defaults applied. */
public record PipelineConfigView(String databaseName, List<String> tables, String topicPrefix, String snapshotMode,
                                 boolean replicaIdentityFull, String decimalHandlingMode,
                                 String driftPolicy, int heartbeatIntervalMs) {

    public PipelineConfigView {
        tables = List.copyOf(tables);
    }
}
