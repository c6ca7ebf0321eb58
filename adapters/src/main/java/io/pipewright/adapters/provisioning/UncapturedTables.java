package io.pipewright.adapters.provisioning;

import io.pipewright.sagas.provisioning.PipelineSpec;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The tables a pipeline that captures all tables leaves out of its publication, because publishing them would break
 * the application's UPDATE and DELETE; kept in the control plane so the status view can warn about them.
 */
@Component
class UncapturedTables {

    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTransaction;

    UncapturedTables(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    /** Replaces what was recorded of the pipeline with {@code tables}. */
    void record(PipelineSpec pipeline, List<String> tables) {
        ownTransaction.executeWithoutResult(status -> {
            jdbc.update("DELETE FROM uncaptured_table WHERE pipeline_id = ?", pipeline.pipelineId());
            jdbc.batchUpdate("INSERT INTO uncaptured_table (pipeline_id, table_name) VALUES (?, ?)",
                    tables.stream().map(table -> new Object[] {pipeline.pipelineId(), table}).toList());
        });
    }

    List<String> of(PipelineSpec pipeline) {
        return jdbc.queryForList("SELECT table_name FROM uncaptured_table WHERE pipeline_id = ? ORDER BY table_name",
                String.class, pipeline.pipelineId());
    }

    void forget(PipelineSpec pipeline) {
        record(pipeline, List.of());
    }
}
