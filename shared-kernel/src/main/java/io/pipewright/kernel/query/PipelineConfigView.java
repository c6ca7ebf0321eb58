package io.pipewright.kernel.query;

import java.util.List;

public record PipelineConfigView(String databaseName, List<String> tables, String topicPrefix, String snapshotMode,
                                 boolean replicaIdentityFull) {

    public PipelineConfigView {
        tables = List.copyOf(tables);
    }
}
