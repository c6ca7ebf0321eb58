package io.pipewright.app.query;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.localstack.PostgresServer;
import io.pipewright.query.ViewRows;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * A count column of a view (a pipeline's connector restarts) counts each event once however the processor's batches
 * are delivered again: the same batch, a batch with other bounds, a replay from the row's first event.
 */
class ViewRowsCountTest {

    private static DatabaseClient database;
    private static ViewRows rows;

    @BeforeAll
    static void scratchView() {
        PostgresServer server = ControlPlaneDatabase.server();
        String name = "view_rows_" + UUID.randomUUID().toString().replace("-", "");
        server.createDatabase(name);
        database = DatabaseClient.create(new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
                .host(server.host()).port(server.port()).username(server.superuser())
                .password(server.superuserPassword()).database(name).build()));
        database.sql("CREATE TABLE counted_view (id UUID PRIMARY KEY, name TEXT NOT NULL, "
                + "restarts BIGINT NOT NULL DEFAULT 0, last_sequence BIGINT NOT NULL)").then().block();
        rows = new ViewRows(database, "counted_view", id -> { });
    }

    @Test
    void aBatchDeliveredAgainCountsEachEventOnce() {
        UUID id = UUID.randomUUID();
        batch(view -> {
            view.insert(id, 0, Map.of("name", "orders"));
            view.count(id, 1, "restarts");
            view.count(id, 2, "restarts");
        });
        assertThat(restarts(id)).isEqualTo(2);

        batch(view -> view.count(id, 2, "restarts"));
        assertThat(restarts(id)).isEqualTo(2);

        batch(view -> {
            view.count(id, 2, "restarts");
            view.update(id, 3, Map.of("name", "orders-renamed"));
            view.count(id, 4, "restarts");
        });
        assertThat(restarts(id)).isEqualTo(3);
        assertThat(lastSequence(id)).isEqualTo(4);

        batch(view -> {
            view.insert(id, 0, Map.of("name", "orders"));
            view.count(id, 1, "restarts");
            view.count(id, 2, "restarts");
            view.update(id, 3, Map.of("name", "orders-renamed"));
            view.count(id, 4, "restarts");
            view.count(id, 5, "restarts");
        });
        assertThat(restarts(id)).isEqualTo(4);
        assertThat(lastSequence(id)).isEqualTo(5);
    }

    @Test
    void aReplayFromTheFirstEventAddsOnlyWhatTheRowHasNotSeen() {
        UUID id = UUID.randomUUID();
        batch(view -> {
            view.insert(id, 0, Map.of("name", "orders"));
            view.count(id, 1, "restarts");
        });
        assertThat(restarts(id)).isEqualTo(1);

        batch(view -> {
            view.insert(id, 0, Map.of("name", "orders"));
            view.count(id, 1, "restarts");
            view.count(id, 2, "restarts");
            view.count(id, 3, "restarts");
        });
        assertThat(restarts(id)).isEqualTo(3);
    }

    @Test
    void outsideAUnitOfWorkEachCountIsWrittenAtOnceAndOnce() {
        UUID id = UUID.randomUUID();
        rows.insert(id, 0, Map.of("name", "orders"));
        rows.count(id, 1, "restarts");
        rows.count(id, 1, "restarts");
        rows.count(id, 2, "restarts");
        assertThat(restarts(id)).isEqualTo(2);
    }

    /** The changes of one batch of events, written when its unit of work commits, as a processor hands them. */
    private static void batch(Consumer<ViewRows> events) {
        DefaultUnitOfWork<?> unitOfWork = DefaultUnitOfWork.startAndGet(null);
        events.accept(rows);
        unitOfWork.commit();
    }

    private static long restarts(UUID id) {
        return database.sql("SELECT restarts FROM counted_view WHERE id = :id").bind("id", id)
                .map(row -> row.get("restarts", Long.class)).one().block();
    }

    private static long lastSequence(UUID id) {
        return database.sql("SELECT last_sequence FROM counted_view WHERE id = :id").bind("id", id)
                .map(row -> row.get("last_sequence", Long.class)).one().block();
    }
}
