package io.pipewright.query;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;

/**
 * The rows of one view table, written the way a projection's processor hands it events: in batches. The changes
 * that the events of one batch make are folded per row and sent in one R2DBC transaction just before the batch's
 * unit of work commits (where the processor stores its token), so replaying a million events costs a few statements
 * per batch, not one round trip per event: the rows of a batch that change alike share statements.
 * <p>
 * Every row remembers the sequence number of the last event applied ({@code last_sequence}) and every statement is
 * guarded by it, so writing a batch again (it is delivered at least once, and its bounds may differ the second time)
 * leaves the row as applying each event once would. That holds because a change only assigns columns: a column ends
 * with the value of the last event that set it, whether or not earlier events of the fold were applied before.
 * Events of one row arrive in their order (one aggregate's events are never split across segments).
 * <p>
 * A count ({@link #count}) is the one change that adds instead of assigning: it keeps the sequence numbers of the
 * events it counts and adds only those after the row's {@code last_sequence}, the events the row has not seen. Since
 * a row has applied every event up to its {@code last_sequence} and none after, a batch written again counts each
 * event once.
 * <p>
 * {@code changed} is told each row's id once its batch is committed, so whoever it wakes reads the new row.
 */
public final class ViewRows {

    private static final Pattern NAME = Pattern.compile("[a-z_]+");
    private static final String SEQUENCE = "last_sequence";
    /** How many rows of one shape one statement writes: as many of the first size as fit, then of the next. */
    private static final int[] ROWS_PER_STATEMENT = {64, 8, 1};

    private final DatabaseClient database;
    private final TransactionalOperator transaction;
    private final String table;
    private final Consumer<UUID> changed;

    public ViewRows(DatabaseClient database, String table, Consumer<UUID> changed) {
        requireName(table);
        this.database = database;
        this.transaction = TransactionalOperator.create(new R2dbcTransactionManager(database.getConnectionFactory()));
        this.table = table;
        this.changed = changed;
    }

    /**
     * A new row. If it exists already (the event delivered again), it takes these values only when it is older than
     * {@code sequence}, like an update.
     */
    public void insert(UUID id, long sequence, Map<String, ?> columns) {
        batch().change(id, sequence, columns, true);
    }

    /** Assigns {@code columns} of the row with this id, unless it already shows an event at or after {@code sequence}. */
    public void update(UUID id, long sequence, Map<String, ?> columns) {
        batch().change(id, sequence, columns, false);
    }

    /**
     * Adds one to the number in {@code column} of the row with this id, for the event at {@code sequence}, unless the
     * row already shows that event (see the class comment); written in the same statement as the row's other changes.
     */
    public void count(UUID id, long sequence, String column) {
        batch().count(id, sequence, column);
    }

    /** Deletes every row at once (a projection's reset, which runs while its processor is stopped). */
    public void clear() {
        database.sql("DELETE FROM " + table).then().block();
    }

    /** The batch of the current unit of work, written before it commits; without one, a batch of this change alone. */
    private Batch batch() {
        if (!CurrentUnitOfWork.isStarted()) {
            return new Batch(true);
        }
        UnitOfWork<?> unitOfWork = CurrentUnitOfWork.get().root();
        return unitOfWork.getOrComputeResource(ViewRows.class.getName() + "/" + table, key -> {
            Batch batch = new Batch(false);
            unitOfWork.onPrepareCommit(committing -> batch.write());
            return batch;
        });
    }

    private static void requireName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a plain SQL name: " + name);
        }
    }

    /** The changes of one batch, one entry per row in the order the rows were first changed. */
    private final class Batch {

        private final boolean writeAtOnce;
        private final Map<UUID, RowChange> rows = new LinkedHashMap<>();

        Batch(boolean writeAtOnce) {
            this.writeAtOnce = writeAtOnce;
        }

        void change(UUID id, long sequence, Map<String, ?> columns, boolean insert) {
            columns.keySet().forEach(ViewRows::requireName);
            RowChange row = changed(id, sequence);
            row.insert |= insert;
            row.columns.putAll(columns);
            writeIfAlone();
        }

        void count(UUID id, long sequence, String column) {
            requireName(column);
            changed(id, sequence).counted.computeIfAbsent(column, name -> new ArrayList<>()).add(sequence);
            writeIfAlone();
        }

        private RowChange changed(UUID id, long sequence) {
            RowChange row = rows.computeIfAbsent(id, RowChange::new);
            row.sequence = Math.max(row.sequence, sequence);
            return row;
        }

        private void writeIfAlone() {
            if (writeAtOnce) {
                write();
            }
        }

        void write() {
            if (rows.isEmpty()) {
                return;
            }
            List<RowChange> changes = new ArrayList<>(rows.values());
            rows.clear();
            Flux.fromIterable(statements(changes))
                    .concatMap(DatabaseClient.GenericExecuteSpec::then)
                    .as(transaction::transactional)
                    .blockLast();
            changes.forEach(row -> changed.accept(row.id));
        }

        /**
         * Rows of one shape (all inserted or all updated, the same columns with values of the same types, nothing
         * counted) share statements of {@link #ROWS_PER_STATEMENT} rows, then of fewer: a replay's batch that
         * creates a thousand pipelines is a few statements, not a thousand round trips. The sizes are few, so one
         * shape is at most that many statement texts (each prepared once per connection). Rows with a count have a
         * statement each.
         */
        private List<DatabaseClient.GenericExecuteSpec> statements(List<RowChange> changes) {
            List<DatabaseClient.GenericExecuteSpec> statements = new ArrayList<>();
            Map<List<Object>, List<RowChange>> shapes = new LinkedHashMap<>();
            for (RowChange row : changes) {
                if (row.counted.isEmpty()) {
                    shapes.computeIfAbsent(row.shape(), shape -> new ArrayList<>()).add(row);
                } else {
                    statements.add(statement(row));
                }
            }
            for (List<RowChange> shaped : shapes.values()) {
                int at = 0;
                for (int size : ROWS_PER_STATEMENT) {
                    for (; shaped.size() - at >= size; at += size) {
                        statements.add(size == 1 ? statement(shaped.get(at)) : together(shaped.subList(at, at + size)));
                    }
                }
            }
            return statements;
        }

        /** One statement for rows of one shape, with the same effect on each as its own {@link #statement}. */
        private DatabaseClient.GenericExecuteSpec together(List<RowChange> shaped) {
            List<String> names = new ArrayList<>(shaped.get(0).columns.keySet());
            Map<String, Object> bindings = new LinkedHashMap<>();
            StringBuilder values = new StringBuilder();
            for (int index = 0; index < shaped.size(); index++) {
                RowChange row = shaped.get(index);
                values.append(index == 0 ? "(" : ", (").append(bound(bindings, "id", index, row.id));
                for (String name : names) {
                    values.append(", ").append(bound(bindings, name, index, row.columns.get(name)));
                }
                values.append(", ").append(bound(bindings, SEQUENCE, index, row.sequence)).append(')');
            }
            StringBuilder assignments = new StringBuilder();
            String sql;
            if (shaped.get(0).insert) {
                names.forEach(name -> assignments.append(name).append(" = EXCLUDED.").append(name).append(", "));
                sql = "INSERT INTO " + table + " (id, " + String.join(", ", names) + ", " + SEQUENCE + ") VALUES "
                        + values + upsert(assignments);
            } else {
                names.forEach(name -> assignments.append(name).append(" = changed.").append(name).append(", "));
                sql = "UPDATE " + table + " SET " + assignments + SEQUENCE + " = changed." + SEQUENCE + " FROM (VALUES "
                        + values + ") AS changed (id, " + String.join(", ", names) + ", " + SEQUENCE + ") WHERE "
                        + table + ".id = changed.id AND " + table + "." + SEQUENCE + " < changed." + SEQUENCE;
            }
            return database.sql(sql).bindValues(bindings);
        }

        /**
         * What an insert of a row that exists already does: takes {@code assignments} (each ending in a comma) and the
         * sequence, unless the row already shows that event or a later one.
         */
        private String upsert(StringBuilder assignments) {
            return " ON CONFLICT (id) DO UPDATE SET " + assignments + SEQUENCE + " = EXCLUDED." + SEQUENCE + " WHERE "
                    + table + "." + SEQUENCE + " < EXCLUDED." + SEQUENCE;
        }

        private static String bound(Map<String, Object> bindings, String name, int row, Object value) {
            String parameter = name + "_" + row;
            bindings.put(parameter, value);
            return ":" + parameter;
        }

        private DatabaseClient.GenericExecuteSpec statement(RowChange row) {
            List<String> names = new ArrayList<>(row.columns.keySet());
            StringBuilder assignments = new StringBuilder();
            String sql;
            if (row.insert) {
                List<String> inserted = new ArrayList<>(names);
                List<String> values = new ArrayList<>(names.stream().map(name -> ":" + name).toList());
                names.forEach(name -> assignments.append(name).append(" = EXCLUDED.").append(name).append(", "));
                row.counted.keySet().forEach(name -> {
                    inserted.add(name);
                    values.add("cardinality(" + sequences(name) + ")");
                    assignments.append(name).append(" = ").append(table).append('.').append(name).append(" + ")
                            .append(unseen(name)).append(", ");
                });
                sql = "INSERT INTO " + table + " (id, " + String.join(", ", inserted) + ", " + SEQUENCE
                        + ") VALUES (:id, " + String.join(", ", values) + ", :" + SEQUENCE + ")" + upsert(assignments);
            } else {
                names.forEach(name -> assignments.append(name).append(" = :").append(name).append(", "));
                row.counted.keySet().forEach(name -> assignments.append(name).append(" = ").append(name)
                        .append(" + ").append(unseen(name)).append(", "));
                sql = "UPDATE " + table + " SET " + assignments + SEQUENCE + " = :" + SEQUENCE + " WHERE id = :id AND "
                        + SEQUENCE + " < :" + SEQUENCE;
            }
            DatabaseClient.GenericExecuteSpec statement = database.sql(sql).bindValues(row.columns)
                    .bind("id", row.id).bind(SEQUENCE, row.sequence);
            for (Map.Entry<String, List<Long>> counted : row.counted.entrySet()) {
                statement = statement.bind(countParameter(counted.getKey()), counted.getValue().toArray(Long[]::new));
            }
            return statement;
        }

        /** How many of the counted events come after the last one the stored row has seen (its old last_sequence). */
        private String unseen(String column) {
            return "(SELECT count(*) FROM unnest(" + sequences(column) + ") AS counted(sequence)"
                    + " WHERE counted.sequence > " + table + "." + SEQUENCE + ")";
        }

        private static String sequences(String column) {
            return "CAST(:" + countParameter(column) + " AS BIGINT[])";
        }

        private static String countParameter(String column) {
            return "counted_" + column;
        }
    }

    private static final class RowChange {

        final UUID id;
        /** Sorted, so that one set of columns is always one statement text (one prepared statement per connection). */
        final Map<String, Object> columns = new TreeMap<>();
        /** The sequence numbers of the events each count column counts, sorted by column for the same reason. */
        final Map<String, List<Long>> counted = new TreeMap<>();
        boolean insert;
        long sequence = -1;

        RowChange(UUID id) {
            this.id = id;
        }

        /** Inserted or updated, and each column with the type of its value: what rows share to share a statement. */
        List<Object> shape() {
            List<Object> shape = new ArrayList<>();
            shape.add(insert);
            columns.forEach((name, value) -> {
                shape.add(name);
                shape.add(value instanceof Parameter parameter ? parameter.getType()
                        : value == null ? null : value.getClass());
            });
            return shape;
        }
    }
}
