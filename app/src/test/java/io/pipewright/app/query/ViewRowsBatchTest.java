package io.pipewright.app.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.localstack.PostgresServer;
import io.pipewright.query.ViewRows;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import reactor.core.publisher.Mono;

/**
 * The rows of a processor's batch that change alike share statements (a replay creating a thousand pipelines is a
 * few statements, not a thousand round trips); whatever the statement they share, each row ends as if it had been
 * written alone. The same changes go to two tables, one in batches and one a row at a time, and the tables must hold
 * the same rows: inserts, updates, nulls beside values, jsonb and arrays, stale sequences that must change nothing,
 * and a batch delivered again. 73 rows make statements of each size (64, 8 and 1).
 */
class ViewRowsBatchTest {

    private static final int ROWS = 73;

    private static DatabaseClient database;
    private static ViewRows batched;
    private static ViewRows alone;
    /** The statements the batched table's connections created since the last {@link #apply}. */
    private static final AtomicInteger statements = new AtomicInteger();

    @BeforeAll
    static void scratchViews() {
        PostgresServer server = ControlPlaneDatabase.server();
        String name = "view_rows_batch_" + UUID.randomUUID().toString().replace("-", "");
        server.createDatabase(name);
        PostgresqlConnectionFactory connections = new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration
                .builder().host(server.host()).port(server.port()).username(server.superuser())
                .password(server.superuserPassword()).database(name).build());
        database = DatabaseClient.create(connections);
        for (String table : List.of("batched_view", "alone_view")) {
            database.sql("CREATE TABLE " + table + " (id UUID PRIMARY KEY, name TEXT NOT NULL, tables TEXT[], "
                    + "details JSONB, note TEXT, attempts INTEGER, last_sequence BIGINT NOT NULL)").then().block();
        }
        batched = new ViewRows(DatabaseClient.create(counting(connections)), "batched_view", id -> { });
        alone = new ViewRows(database, "alone_view", id -> { });
    }

    @Test
    void rowsThatChangeAlikeShareStatementsAndEndAsIfWrittenAlone() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            ids.add(UUID.randomUUID());
        }
        apply((view, i) -> view.insert(ids.get(i), 0, Map.of("name", "pipeline-" + i,
                "tables", new String[] {"public.orders", "public.t" + i},
                "details", Json.of("{\"step\": " + i + "}"),
                "note", Parameter.fromOrEmpty(i % 3 == 0 ? null : "note " + i, String.class),
                "attempts", Parameter.fromOrEmpty(i % 2 == 0 ? null : i, Integer.class))));
        assertThat(rowsOf("batched_view")).hasSize(ROWS).isEqualTo(rowsOf("alone_view"));
        assertThat(statements.get()).as("statements for %d rows inserted alike", ROWS).isEqualTo(3);

        // Every fifth update is stale: the row already shows sequence 2 from the first round of updates.
        apply((view, i) -> view.update(ids.get(i), 2, Map.of("name", "renamed-" + i,
                "details", Json.of("{\"step\": " + (i + 100) + "}"),
                "tables", new String[] {"public.t" + i},
                "note", Parameter.fromOrEmpty(i % 4 == 0 ? "updated " + i : null, String.class))));
        apply((view, i) -> view.update(ids.get(i), i % 5 == 0 ? 2 : 3, Map.of("name", "renamed-again-" + i,
                "note", Parameter.fromOrEmpty(null, String.class))));
        assertThat(rowsOf("batched_view")).isEqualTo(rowsOf("alone_view"));
        assertThat(rowsOf("batched_view")).filteredOn(row -> row.get("name").toString().startsWith("renamed-again"))
                .hasSize(ROWS - (ROWS + 4) / 5);

        // The creations delivered again change nothing; an insert after the row's sequence takes its values.
        apply((view, i) -> view.insert(ids.get(i), i % 2 == 0 ? 0 : 4, Map.of("name", "pipeline-" + i,
                "tables", new String[] {"public.orders"},
                "details", Json.of("{\"step\": 0}"),
                "note", Parameter.fromOrEmpty(null, String.class),
                "attempts", Parameter.fromOrEmpty(i, Integer.class))));
        assertThat(rowsOf("batched_view")).isEqualTo(rowsOf("alone_view"));
        assertThat(rowsOf("batched_view")).filteredOn(row -> ((Long) row.get("last_sequence")) == 4)
                .hasSize(ROWS / 2);
    }

    /** Row {@code i}'s change for each of the rows: in one batch to one table, one row at a time to the other. */
    private static void apply(BiConsumer<ViewRows, Integer> change) {
        statements.set(0);
        DefaultUnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
        for (int i = 0; i < ROWS; i++) {
            change.accept(batched, i);
        }
        unitOfWork.commit();
        for (int i = 0; i < ROWS; i++) {
            change.accept(alone, i);
        }
    }

    /** The connections of {@code connections}, each counting the statements created on it. */
    @SuppressWarnings("unchecked")
    private static ConnectionFactory counting(ConnectionFactory connections) {
        return (ConnectionFactory) Proxy.newProxyInstance(ViewRowsBatchTest.class.getClassLoader(),
                new Class<?>[] {ConnectionFactory.class}, (factory, method, arguments) -> {
                    Object result = method.invoke(connections, arguments);
                    return method.getName().equals("create")
                            ? Mono.from((Publisher<? extends Connection>) result).map(ViewRowsBatchTest::counting)
                            : result;
                });
    }

    private static Connection counting(Connection connection) {
        return (Connection) Proxy.newProxyInstance(ViewRowsBatchTest.class.getClassLoader(),
                new Class<?>[] {Connection.class}, (proxy, method, arguments) -> {
                    if (method.getName().equals("createStatement")) {
                        statements.incrementAndGet();
                    }
                    try {
                        return method.invoke(connection, arguments);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static List<Map<String, Object>> rowsOf(String table) {
        return database.sql("SELECT id, name, array_to_string(tables, ',') AS tables, details::text AS details, note, "
                        + "attempts, last_sequence FROM " + table + " ORDER BY id")
                .fetch().all().collectList().block();
    }
}
