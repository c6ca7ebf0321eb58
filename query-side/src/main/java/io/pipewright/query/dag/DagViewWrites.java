package io.pipewright.query.dag;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;

/**
 * The writes of the DAG views, sent the way {@code ViewRows} sends the CDC views': the statements of the events of
 * one batch go in one R2DBC transaction just before the batch's unit of work commits, and whoever waits for a view is
 * told only after that. Unlike {@code ViewRows} it keeps the statements in event order instead of folding them per
 * row, because a DAG view spans several tables whose rows have no single id (a version, each task of a run) and a
 * subscriber must find all of them written (the new version before the pipeline that points to it, the tasks with
 * their run). Each statement guards itself by the row's {@code last_sequence} (or is an insert that does nothing the
 * second time), so a batch written again changes nothing.
 */
final class DagViewWrites {

    private final DatabaseClient database;
    private final TransactionalOperator transaction;
    private final Consumer<Changed> changed;

    /** {@code changed} is told each object a batch changed, once, after the batch is written. */
    DagViewWrites(DatabaseClient database, Consumer<Changed> changed) {
        this.database = database;
        this.changed = changed;
        this.transaction = TransactionalOperator.create(new R2dbcTransactionManager(database.getConnectionFactory()));
    }

    /** What a statement changed: the object of the view a {@code query} (its class) answers. */
    record Changed(Class<?> query, UUID id) {
    }

    /** Sends {@code sql} with {@code parameters} (values, or {@code Parameter}s for what may be NULL) with the batch. */
    void write(String sql, Map<String, ?> parameters, Changed change) {
        Batch batch = batch();
        batch.statements.add(new Statement(sql, parameters));
        batch.changes.add(change);
        if (batch.writeAtOnce) {
            batch.write();
        }
    }

    /** Empties {@code tables} (a projection's reset, which runs while its processor is stopped). */
    void clear(List<String> tables) {
        Flux.fromIterable(tables)
                .concatMap(table -> database.sql("DELETE FROM " + table).then())
                .as(transaction::transactional)
                .blockLast();
    }

    private Batch batch() {
        if (!CurrentUnitOfWork.isStarted()) {
            return new Batch(true);
        }
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get().root();
        return unitOfWork.getOrComputeResource(DagViewWrites.class.getName(), key -> {
            Batch batch = new Batch(false);
            unitOfWork.onPrepareCommit(committing -> batch.write());
            return batch;
        });
    }

    private record Statement(String sql, Map<String, ?> parameters) {
    }

    private final class Batch {

        private final boolean writeAtOnce;
        private final List<Statement> statements = new ArrayList<>();
        private final Set<Changed> changes = new LinkedHashSet<>();

        Batch(boolean writeAtOnce) {
            this.writeAtOnce = writeAtOnce;
        }

        void write() {
            if (statements.isEmpty()) {
                return;
            }
            List<Statement> sent = List.copyOf(statements);
            List<Changed> notified = List.copyOf(changes);
            statements.clear();
            changes.clear();
            Flux.fromIterable(sent)
                    .concatMap(statement -> database.sql(statement.sql()).bindValues(statement.parameters()).then())
                    .as(transaction::transactional)
                    .blockLast();
            notified.forEach(changed);
        }
    }
}
