package io.pipewright.adapters.provisioning;

import io.pipewright.sagas.provisioning.PipelineSpec;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The control plane's record of the replica identities it changed on a source, kept so a delete gives each table back
 * the identity it had. Recorded in its own transaction before the change is made.
 */
@Component
class ReplicaIdentityChanges {

    record Change(String table, String previousIdentity) {
    }

    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTransaction;

    ReplicaIdentityChanges(JdbcTemplate jdbc, PlatformTransactionManager transactions) {
        this.jdbc = jdbc;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    void recordBeforeChanging(PipelineSpec pipeline, String table, String previousIdentity) {
        ownTransaction.executeWithoutResult(status -> jdbc.update("""
                INSERT INTO replica_identity_change (pipeline_id, database_name, table_name, previous_identity)
                VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING""", pipeline.pipelineId(), pipeline.config().databaseName(),
                table, previousIdentity));
    }

    List<Change> of(PipelineSpec pipeline) {
        return jdbc.query("SELECT table_name, previous_identity FROM replica_identity_change WHERE pipeline_id = ?",
                (rows, index) -> new Change(rows.getString(1), rows.getString(2)), pipeline.pipelineId());
    }

    /** Another pipeline that still publishes the table takes the record over, and restores it when it goes. */
    void handOver(PipelineSpec pipeline, String table, UUID heir) {
        ownTransaction.executeWithoutResult(status -> jdbc.update("""
                UPDATE replica_identity_change SET pipeline_id = ? WHERE pipeline_id = ? AND table_name = ?
                AND NOT EXISTS (SELECT 1 FROM replica_identity_change WHERE pipeline_id = ? AND table_name = ?)""",
                heir, pipeline.pipelineId(), table, heir, table));
        forget(pipeline, table);
    }

    void forget(PipelineSpec pipeline, String table) {
        ownTransaction.executeWithoutResult(status -> jdbc.update(
                "DELETE FROM replica_identity_change WHERE pipeline_id = ? AND table_name = ?",
                pipeline.pipelineId(), table));
    }
}
