package io.pipewright.app.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.app.support.ControlPlaneDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.axonframework.axonserver.connector.AxonServerConnectionManager;
import org.axonframework.deadline.DeadlineManager;
import org.axonframework.deadline.dbscheduler.DbSchedulerDeadlineManager;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventhandling.tokenstore.jdbc.JdbcTokenStore;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.modelling.saga.SagaScopeDescriptor;
import org.axonframework.modelling.saga.repository.SagaStore;
import org.axonframework.modelling.saga.repository.jdbc.JdbcSagaStore;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.context.ApplicationContext;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class ControlPlanePersistenceTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    ApplicationContext context;
    @Autowired
    WebTestClient web;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventStore eventStore;
    @Autowired
    DataSource dataSource;

    @Test
    void healthIsUpWithTheDatabase() {
        web.get().uri("/actuator/health").exchange()
                .expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("UP");
    }

    @Test
    void flywayOwnsTheWholeSchema() throws IOException {
        List<String> tables = jdbc.queryForList(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
                String.class);
        assertThat(tables).contains(
                "association_value_entry", "domain_event_entry", "flyway_schema_history", "saga_entry",
                "scheduled_tasks", "snapshot_event_entry", "token_entry");
        assertThat(tables).containsExactlyInAnyOrderElementsOf(tablesCreatedByMigrations());
        assertThat(jdbc.queryForObject("SELECT bool_and(success) FROM flyway_schema_history", Boolean.class)).isTrue();
    }

    /**
     * Every table or view a migration script creates and none drops, and Flyway's own: nothing else may create one.
     */
    private static List<String> tablesCreatedByMigrations() throws IOException {
        List<String> tables = new ArrayList<>(List.of("flyway_schema_history"));
        List<String> dropped = new ArrayList<>();
        Pattern createTable = Pattern.compile("CREATE (?:TABLE|VIEW) (\\w+)", Pattern.CASE_INSENSITIVE);
        Pattern dropTable = Pattern.compile("DROP (?:TABLE|VIEW) (\\w+)", Pattern.CASE_INSENSITIVE);
        for (Resource script : new PathMatchingResourcePatternResolver().getResources("classpath*:db/migration/*.sql")) {
            String text = script.getContentAsString(StandardCharsets.UTF_8);
            createTable.matcher(text).results().forEach(created -> tables.add(created.group(1)));
            dropTable.matcher(text).results().forEach(gone -> dropped.add(gone.group(1)));
        }
        tables.removeAll(dropped);
        return tables;
    }

    @Test
    void eventsTokensSagasAndDeadlinesLiveInPostgresql() {
        assertThat(context.getBean(EventStorageEngine.class)).isInstanceOf(JdbcEventStorageEngine.class);
        assertThat(context.getBean(TokenStore.class)).isInstanceOf(JdbcTokenStore.class);
        assertThat(context.getBean(SagaStore.class)).isInstanceOf(JdbcSagaStore.class);
        assertThat(context.getBean(DeadlineManager.class)).isInstanceOf(DbSchedulerDeadlineManager.class);
    }

    /**
     * A saga's handler cancels its deadlines of one name while a scheduler thread picks one of them between the
     * listing and the cancellation (db-scheduler#786): that one is left to run, the others are cancelled, and the
     * handler's commit does not fail. Axon 4.13.0's own cancellation throws "Expected one execution to be removed, but
     * removed 0" here, which rolls back the saga processor's whole batch.
     */
    @Test
    void cancellingASagasDeadlinesLeavesTheOnePickedMeanwhile() throws Exception {
        DeadlineManager deadlines = context.getBean(DeadlineManager.class);
        SagaScopeDescriptor saga = new SagaScopeDescriptor("io.pipewright.Probe", UUID.randomUUID().toString());
        SagaScopeDescriptor otherSaga = new SagaScopeDescriptor("io.pipewright.Probe", UUID.randomUUID().toString());
        String picked = deadlines.schedule(Duration.ofHours(1), "probe-retry", null, saga);
        String waiting = deadlines.schedule(Duration.ofHours(2), "probe-retry", null, saga);
        String otherName = deadlines.schedule(Duration.ofHours(1), "probe-other", null, saga);
        String ofOtherSaga = deadlines.schedule(Duration.ofHours(1), "probe-retry", null, otherSaga);

        try (Connection schedulerThread = dataSource.getConnection()) {
            schedulerThread.setAutoCommit(false);
            try (PreparedStatement pick = schedulerThread.prepareStatement("UPDATE scheduled_tasks SET picked = true,"
                    + " picked_by = 'another-node', version = version + 1 WHERE task_instance = ?")) {
                pick.setString(1, picked);
                pick.executeUpdate();
            }
            CompletableFuture<Void> cancelled = CompletableFuture.runAsync(
                    () -> deadlines.cancelAllWithinScope("probe-retry", saga));
            await().atMost(Duration.ofSeconds(30)).until(() -> cancelled.isDone() || jdbc.queryForObject("""
                    SELECT count(*) FROM pg_stat_activity
                    WHERE wait_event_type = 'Lock' AND query LIKE 'delete from scheduled_tasks%'""", Long.class) > 0);
            schedulerThread.commit();
            cancelled.get(30, TimeUnit.SECONDS);
        }

        assertThat(jdbc.queryForList("SELECT task_instance FROM scheduled_tasks WHERE task_instance IN (?, ?, ?, ?)",
                String.class, picked, waiting, otherName, ofOtherSaga))
                .containsExactlyInAnyOrder(picked, otherName, ofOtherSaga);
        jdbc.update("DELETE FROM scheduled_tasks WHERE task_instance IN (?, ?, ?)", picked, otherName, ofOtherSaga);
    }

    @Test
    void axonServerIsOffByDefault() {
        assertThat(context.getBeansOfType(AxonServerConnectionManager.class)).isEmpty();
    }

    @Test
    void eventsAreStoredAsReadableJsonAndReadBack() throws Exception {
        String aggregateId = UUID.randomUUID().toString();
        ProbeRecorded event = new ProbeRecorded(aggregateId, Instant.now().truncatedTo(ChronoUnit.MICROS), 3);
        eventStore.publish(new GenericDomainEventMessage<>("Probe", aggregateId, 0, event));

        Map<String, Object> row = jdbc.queryForMap(
                "SELECT payload_type, payload FROM domain_event_entry WHERE aggregate_identifier = ?", aggregateId);
        assertThat(row.get("payload_type")).isEqualTo(ProbeRecorded.class.getName());
        JsonNode json = new ObjectMapper().readTree((byte[]) row.get("payload"));
        assertThat(json.get("probe_id").asText()).isEqualTo(aggregateId);
        assertThat(json.get("attempt").asInt()).isEqualTo(3);
        assertThat(json.get("recorded_at").asText()).isEqualTo(event.recordedAt().toString());

        List<Object> readBack = eventStore.readEvents(aggregateId).asStream()
                .map(message -> (Object) message.getPayload()).toList();
        assertThat(readBack).containsExactly(event);
    }
}
