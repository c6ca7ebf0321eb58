package io.pipewright.query.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.kernel.query.PipelineStatusView;
import io.pipewright.kernel.query.TaskStateView;
import io.pipewright.localstack.PostgresServer;
import io.pipewright.query.ViewJson;
import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * A pipeline's status is read from {@code pipeline_status_part}, which triggers on the five tables it shows keep
 * (migration V21). Whatever is written to those tables (inserts, updates of shown and of other columns, a changed
 * key, deletes, a replay's reset), the parts hold exactly the values of their rows, as plain queries of the five
 * tables give them; and the status read of the parts is the pipeline's status, its lists in order, or nothing for a
 * pipeline that is not the caller's, is deleted or has no view row. On a migrated database of its own.
 */
class StatusPartsTest {

    private static JdbcTemplate jdbc;
    private static PipelineViews views;

    /** Each table's rows as parts: the key of the part, and the values it must hold with nulls left out. */
    private static final String EXPECTED = """
            SELECT id AS pipeline_id, 'view' AS kind, '' AS item, jsonb_strip_nulls(jsonb_build_object(
                    'organization_id', organization_id, 'status', status, 'connector_name', connector_name,
                    'connector_state', connector_state, 'task_states', task_states, 'topic_prefix', topic_prefix,
                    'error_message', error_message, 'restart_attempts', restart_attempts,
                    'next_attempt_at', next_attempt_at)) AS parts
            FROM pipeline_view
            UNION ALL
            SELECT pipeline_id, 'health', '', jsonb_strip_nulls(jsonb_build_object(
                    'source_lag_bytes', source_lag_bytes, 'retained_wal_bytes', retained_wal_bytes,
                    'safe_wal_bytes', safe_wal_bytes, 'max_slot_wal_keep_bytes', max_slot_wal_keep_bytes,
                    'last_health_check_at', last_health_check_at,
                    'source_unanswered_since', source_unanswered_since))
            FROM pipeline_health
            UNION ALL
            SELECT pipeline_id, 'gap', '', jsonb_strip_nulls(jsonb_build_object('gap_from_lsn', from_lsn,
                    'gap_reason', reason, 'gap_detected_at', detected_at))
            FROM pipeline_data_gap
            UNION ALL
            SELECT pipeline_id, 'uncaptured', table_name, '{}'::jsonb FROM uncaptured_table
            UNION ALL
            SELECT pipeline_id, 'drift', resource,
                   jsonb_build_object('drift', resource || ': expected ' || expected || ', found ' || actual)
            FROM pipeline_drift""";
    private static final String ACTUAL = """
            SELECT pipeline_id, kind, item,
                   jsonb_strip_nulls(to_jsonb(part) - 'pipeline_id' - 'kind' - 'item') AS parts
            FROM pipeline_status_part part""";

    @BeforeAll
    static void schema() {
        PGSimpleDataSource dataSource = ControlPlaneDatabase.migratedDatabase("status_parts");
        jdbc = new JdbcTemplate(dataSource);
        PostgresServer server = ControlPlaneDatabase.server();
        PostgresqlConnectionFactory connections = new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration
                .builder().host(server.host()).port(server.port()).username(server.superuser())
                .password(server.superuserPassword()).database(dataSource.getDatabaseName()).forceBinary(true).build());
        views = new PipelineViews(DatabaseClient.create(connections), connections, new ViewJson(),
                new StatusWarnings(1L << 30, 0.2));
    }

    @Test
    void thePartsHoldWhatTheFiveTablesHoldThroughEveryKindOfWrite() {
        UUID organization = UUID.randomUUID();
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        UUID third = UUID.randomUUID();
        UUID renumbered = UUID.randomUUID();
        List<UUID> ours = List.of(first, second, third, renumbered);
        for (UUID pipeline : List.of(first, second, third)) {
            insertView(pipeline, organization, "Pending");
            jdbc.update("INSERT INTO pipeline_health (pipeline_id, source_service_id, sink_service_id, monitored) "
                    + "VALUES (?, gen_random_uuid(), gen_random_uuid(), true)", pipeline);
        }
        assertMirrored(6, ours);

        jdbc.update("""
                UPDATE pipeline_view SET status = 'Running', connector_name = 'pw-first', connector_state = 'RUNNING',
                    task_states = '[{"id": 0, "state": "RUNNING"}]', restart_attempts = 2,
                    next_attempt_at = now(), error_message = 'it "failed"', last_sequence = 3
                WHERE id = ?""", first);
        jdbc.update("UPDATE pipeline_view SET name = 'renamed', provision_step = 'create_connector' WHERE id = ?",
                second);
        jdbc.update("UPDATE pipeline_view SET status = status, error_message = NULL WHERE id = ?", third);
        jdbc.update("""
                UPDATE pipeline_health SET source_lag_bytes = 42, retained_wal_bytes = 4096, safe_wal_bytes = 1024,
                    max_slot_wal_keep_bytes = 8192, last_health_check_at = now(), source_unanswered_since = now()
                WHERE pipeline_id = ?""", first);
        jdbc.update("UPDATE pipeline_health SET next_check_at = now(), recorded_state = 'RUNNING' "
                + "WHERE pipeline_id = ?", second);
        jdbc.update("UPDATE pipeline_health SET source_lag_bytes = NULL, retained_wal_bytes = retained_wal_bytes "
                + "WHERE pipeline_id = ?",
                third);
        assertMirrored(6, ours);

        jdbc.update("INSERT INTO pipeline_data_gap (pipeline_id, from_lsn, reason, detected_at) "
                + "VALUES (?, '0/16B3748', 'slot lost', now())", first);
        jdbc.update("INSERT INTO pipeline_data_gap (pipeline_id, from_lsn, reason, detected_at) "
                + "VALUES (?, NULL, 'slot invalidated', now())", second);
        jdbc.update("UPDATE pipeline_data_gap SET reason = 'slot dropped', from_lsn = '0/1' WHERE pipeline_id = ?",
                second);
        for (String table : List.of("public.zeta", "public.alpha", "audit.Mixed", "public.beta")) {
            jdbc.update("INSERT INTO uncaptured_table (pipeline_id, table_name) VALUES (?, ?)", first, table);
        }
        jdbc.update("UPDATE uncaptured_table SET table_name = 'public.gamma' WHERE pipeline_id = ? "
                + "AND table_name = 'public.beta'", first);
        jdbc.update("DELETE FROM uncaptured_table WHERE pipeline_id = ? AND table_name = 'public.zeta'", first);
        for (String resource : List.of("publication", "connector", "slot")) {
            drift(first, resource, "present", "missing");
        }
        drift(first, "connector", "RUNNING", "PAUSED");
        jdbc.update("DELETE FROM pipeline_drift WHERE pipeline_id = ? AND resource = 'slot'", first);
        assertMirrored(6 + 2 + 3 + 2, ours);

        jdbc.update("UPDATE pipeline_view SET id = ? WHERE id = ?", renumbered, third);
        jdbc.update("UPDATE pipeline_health SET pipeline_id = ? WHERE pipeline_id = ?", renumbered, third);
        jdbc.update("DELETE FROM pipeline_data_gap WHERE pipeline_id = ?", first);
        jdbc.update("DELETE FROM pipeline_health WHERE pipeline_id = ?", second);
        jdbc.update("DELETE FROM pipeline_view WHERE id = ?", second);
        assertMirrored(2 + 2 + 1 + 3 + 2, ours);

        // A replay's reset deletes every row of each table, then writes them again.
        for (String table : List.of("pipeline_view", "pipeline_health", "pipeline_data_gap", "uncaptured_table",
                "pipeline_drift")) {
            jdbc.update("DELETE FROM " + table);
        }
        assertMirrored(0, ours);
        insertView(first, organization, "Running");
        drift(first, "slot", "present", "missing");
        assertMirrored(2, ours);
    }

    @Test
    void aStatusIsReadFromItsPartsInTheOrderItListsThem() {
        UUID organization = UUID.randomUUID();
        UUID pipeline = UUID.randomUUID();
        insertView(pipeline, organization, "Running");
        jdbc.update("""
                UPDATE pipeline_view SET connector_name = 'pw-status', connector_state = 'RUNNING',
                    task_states = '[{"id": 0, "state": "RUNNING"}]', restart_attempts = 1
                WHERE id = ?""", pipeline);
        jdbc.update("""
                INSERT INTO pipeline_health (pipeline_id, source_service_id, sink_service_id, monitored,
                    source_lag_bytes, retained_wal_bytes, last_health_check_at)
                VALUES (?, gen_random_uuid(), gen_random_uuid(), true, 42, 2048, now())""", pipeline);
        for (String table : List.of("public.zeta", "public.alpha")) {
            jdbc.update("INSERT INTO uncaptured_table (pipeline_id, table_name) VALUES (?, ?)", pipeline, table);
        }
        drift(pipeline, "slot", "present", "missing");
        drift(pipeline, "publication", "present", "missing");

        PipelineStatusView status = views.status(pipeline, List.of(UUID.randomUUID(), organization)).block();

        assertThat(status).isNotNull();
        assertThat(status.id()).isEqualTo(pipeline);
        assertThat(status.status()).isEqualTo("Running");
        assertThat(status.connectorName()).isEqualTo("pw-status");
        assertThat(status.taskStates()).containsExactly(new TaskStateView(0, "RUNNING"));
        assertThat(status.sourceLagBytes()).isEqualTo(42L);
        assertThat(status.retainedWalBytes()).isEqualTo(2048L);
        assertThat(status.lastHealthCheckAt()).isNotNull();
        assertThat(status.restartAttempts()).isEqualTo(1);
        assertThat(status.topicPrefix()).isEqualTo("shop");
        assertThat(status.warnings()).hasSize(3);
        assertThat(status.warnings().get(0)).startsWith("not captured: public.alpha, public.zeta (");
        assertThat(status.warnings().get(1)).startsWith("drift: publication: expected present, found missing (");
        assertThat(status.warnings().get(2)).startsWith("drift: slot: expected present, found missing (");

        assertThat(views.status(pipeline, List.of(UUID.randomUUID())).blockOptional()).isEmpty();
        jdbc.update("UPDATE pipeline_view SET status = 'Deleted' WHERE id = ?", pipeline);
        assertThat(views.status(pipeline, List.of(organization)).blockOptional()).isEmpty();
        jdbc.update("DELETE FROM pipeline_view WHERE id = ?", pipeline);
        assertThat(views.status(pipeline, List.of(organization)).blockOptional()).as("health parts alone").isEmpty();
    }

    private static void insertView(UUID pipeline, UUID organization, String status) {
        jdbc.update("""
                INSERT INTO pipeline_view (id, organization_id, name, pipeline_type, source_service_id,
                    sink_service_id, status, database_name, tables, topic_prefix, snapshot_mode, created_at,
                    updated_at, last_sequence)
                VALUES (?, ?, 'parts', 'cdc_pg_to_kafka', gen_random_uuid(), gen_random_uuid(), ?, 'defaultdb',
                    ARRAY['public.orders'], 'shop', 'initial', now(), now(), 0)""", pipeline, organization, status);
    }

    /** As the projection writes a drift: a new one, or the same resource found different again. */
    private static void drift(UUID pipeline, String resource, String expected, String actual) {
        jdbc.update("""
                INSERT INTO pipeline_drift (pipeline_id, resource, expected, actual, detected_at)
                VALUES (?, ?, ?, ?, now())
                ON CONFLICT (pipeline_id, resource) DO UPDATE SET expected = EXCLUDED.expected,
                    actual = EXCLUDED.actual, detected_at = EXCLUDED.detected_at""",
                pipeline, resource, expected, actual);
    }

    /**
     * The parts are the five tables' rows, no more and no fewer, and {@code parts} of them are {@code pipelines}'
     * (the other test's stay beside).
     */
    private static void assertMirrored(int parts, List<UUID> pipelines) {
        List<String> missing = jdbc.queryForList("SELECT (e.*)::text FROM ((" + EXPECTED + ") EXCEPT ALL ("
                + ACTUAL + ")) e", String.class);
        List<String> extra = jdbc.queryForList("SELECT (a.*)::text FROM ((" + ACTUAL + ") EXCEPT ALL ("
                + EXPECTED + ")) a", String.class);
        assertThat(missing).as("rows of the five tables without their part").isEmpty();
        assertThat(extra).as("parts without their row").isEmpty();
        String ids = "{" + String.join(",", pipelines.stream().map(UUID::toString).toList()) + "}";
        assertThat(jdbc.queryForObject("SELECT count(*) FROM pipeline_status_part WHERE pipeline_id = ANY (?::uuid[])",
                Integer.class, ids)).isEqualTo(parts);
    }
}
