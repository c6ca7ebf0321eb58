package io.pipewright.query.pipeline;

import com.fasterxml.jackson.core.type.TypeReference;
import io.pipewright.kernel.pipeline.PipelineStatus;
import io.pipewright.kernel.query.PipelineConfigView;
import io.pipewright.kernel.query.PipelineHealth;
import io.pipewright.kernel.query.PipelineStatusView;
import io.pipewright.kernel.query.PipelineView;
import io.pipewright.kernel.query.TaskStateView;
import io.pipewright.query.ViewJson;
import io.pipewright.query.page.Keyset;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Readable;
import io.r2dbc.spi.Row;
import io.r2dbc.spi.RowMetadata;
import io.r2dbc.spi.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads the live (not deleted) pipelines from {@code pipeline_view}, never blocking; every read is one indexed query
 * whose cost does not grow with the organization's size.
 */
@Component
public class PipelineViews {

    private static final TypeReference<List<TaskStateView>> TASK_STATES = new TypeReference<>() {
    };
    private static final String LIVE = "status <> '" + PipelineStatus.DELETED.wireName() + "'";

    /** What a pipeline's view shows, and no more is read: the status' columns and the last sequence stay behind. */
    private static final String VIEW_COLUMNS = "id, organization_id, name, pipeline_type, source_service_id, "
            + "sink_service_id, status, provision_step, database_name, tables, topic_prefix, snapshot_mode, "
            + "replica_identity_full, decimal_handling_mode, drift_policy, heartbeat_interval_ms, "
            + "retry_window_minutes, error_message, created_at, updated_at";

    /**
     * The status of one pipeline: the parts it is made of (its view row, its health row, its open data gap, its
     * uncaptured tables and its open drifts), kept together by triggers in {@code pipeline_status_part} (migration
     * V21) and read on its primary key in the order the status lists them, so its cost does not grow with the
     * organization's size. Public so a test can show the plan of this very text.
     * <p>
     * A lookup by id names nothing but the id: its organization and liveness are checked on the row it found. With
     * them in the WHERE clause, PostgreSQL may plan the prepared statement (R2DBC prepares and caches it) on an index
     * of the organization's live pipelines while the table is young and not yet analyzed, and keep that plan: each
     * lookup then reads every pipeline of the organization.
     */
    public static final String STATUS_QUERY = "SELECT kind, item, organization_id, status, connector_name, "
            + "connector_state, task_states, topic_prefix, error_message, restart_attempts, next_attempt_at, "
            + "source_lag_bytes, retained_wal_bytes, safe_wal_bytes, max_slot_wal_keep_bytes, last_health_check_at, "
            + "source_unanswered_since, gap_from_lsn, gap_reason, gap_detected_at, drift "
            + "FROM pipeline_status_part WHERE pipeline_id = $1 ORDER BY kind, item";
    /** One pipeline's view row by id alone, like {@link #STATUS_QUERY}. */
    public static final String FIND_QUERY = "SELECT " + VIEW_COLUMNS + " FROM pipeline_view WHERE id = :id";

    private final DatabaseClient database;
    private final ConnectionFactory connections;
    private final ViewJson json;
    private final StatusWarnings warnings;

    PipelineViews(DatabaseClient database, ConnectionFactory connections, ViewJson json, StatusWarnings warnings) {
        this.database = database;
        this.connections = connections;
        this.json = json;
        this.warnings = warnings;
    }

    /**
     * A page of at most {@code rows} live pipelines of the organization matching {@code filter}, in creation order,
     * starting after {@code after} (from the first when null): the JSON array of their {@link PipelineView}s, joined
     * from the JSON the database keeps beside each row ({@code view_json}, migration V20), so no row is decoded
     * column by column or written again. One query on an index of the organization's live pipelines by creation time
     * and id (by status first when filtered by it), so a page costs the same at any depth. It reads one row more than
     * the page holds, which only says whether a next page exists; the keyset is decoded of the page's last row alone.
     * Sent on a pooled connection as it is, like {@link #status}.
     * <p>
     * The database could join the page itself (string_agg), but that cost it more than it saved the JVM
     * (docs/benchmarks.md), and the control plane's nodes scale out where its database does not.
     */
    Mono<RenderedPage> page(UUID organizationId, PipelineFilter filter, Keyset after, int rows) {
        List<Object> values = new ArrayList<>();
        StringBuilder sql = new StringBuilder("SELECT view_json, created_at, id FROM pipeline_view")
                .append(" WHERE organization_id = ").append(parameter(values, organizationId))
                .append(" AND ").append(LIVE);
        if (filter.status() != null) {
            sql.append(" AND status = ").append(parameter(values, filter.status()));
        }
        if (filter.namePrefix() != null) {
            String prefix = parameter(values, filter.namePrefix());
            sql.append(" AND name COLLATE \"C\" >= ").append(prefix).append(" AND starts_with(name, ").append(prefix)
                    .append(")");
            String prefixEnd = filter.namePrefixEnd();
            if (prefixEnd != null) {
                sql.append(" AND name COLLATE \"C\" < ").append(parameter(values, prefixEnd));
            }
        }
        if (after != null) {
            sql.append(" AND (created_at, id) > (").append(parameter(values, after.createdAt())).append(", ")
                    .append(parameter(values, after.id())).append(")");
        }
        sql.append(" ORDER BY created_at, id LIMIT ").append(parameter(values, rows + 1));
        return pooled(connection -> {
            Statement statement = connection.createStatement(sql.toString());
            for (int index = 0; index < values.size(); index++) {
                statement.bind(index, values.get(index));
            }
            PageReader page = new PageReader(rows);
            return Flux.from(statement.execute()).concatMap(result -> result.map(page::read))
                    .then(Mono.fromSupplier(page::page));
        });
    }

    /**
     * {@code work} on a connection of the pool, given back when the work ends however it ends: the polled reads send
     * their statements as they are, without the {@link DatabaseClient}'s layers.
     */
    private <T> Mono<T> pooled(Function<Connection, Mono<T>> work) {
        return Mono.usingWhen(connections.create(), work, Connection::close);
    }

    /** Adds a value bound to the statement and returns its placeholder. */
    private static String parameter(List<Object> values, Object value) {
        values.add(value);
        return "$" + values.size();
    }

    /**
     * A page of the list: its JSON array, and the keyset of its last pipeline when a next page follows (null on the
     * last page).
     */
    record RenderedPage(byte[] json, Keyset next) {
    }

    /** Collects the rows of one page query as they arrive, in order: the views' JSON, and the last one's keyset. */
    private static final class PageReader {

        private final int rows;
        private final List<byte[]> views = new ArrayList<>();
        private Keyset last;
        private boolean more;

        PageReader(int rows) {
            this.rows = rows;
        }

        /** Takes the next row; returns itself, as a result's mapping function must give something for each row. */
        PageReader read(Row row, RowMetadata metadata) {
            if (views.size() == rows) {
                more = true;
                return this;
            }
            views.add(row.get(0, Json.class).asArray());
            if (views.size() == rows) {
                last = new Keyset(row.get(1, Instant.class), row.get(2, UUID.class));
            }
            return this;
        }

        RenderedPage page() {
            int length = 2 + Math.max(0, views.size() - 1);
            for (byte[] view : views) {
                length += view.length;
            }
            byte[] array = new byte[length];
            array[0] = '[';
            int at = 1;
            for (byte[] view : views) {
                if (at > 1) {
                    array[at++] = ',';
                }
                System.arraycopy(view, 0, array, at, view.length);
                at += view.length;
            }
            array[at] = ']';
            return new RenderedPage(array, more ? last : null);
        }
    }

    public Mono<PipelineView> find(UUID organizationId, UUID pipelineId) {
        return database.sql(FIND_QUERY)
                .bind("id", pipelineId)
                .map(this::toPipeline)
                .one()
                .filter(view -> view.organizationId().equals(organizationId) && isLive(view.status()));
    }

    /**
     * Empty unless the pipeline belongs to one of {@code organizationIds}, so the answer leaks no existence. One query
     * ({@link #STATUS_QUERY}), sent on a pooled connection as it is: the endpoint is polled, and the
     * {@link DatabaseClient}'s layers (expanding named parameters, a proxy of the connection) were a part of its cost
     * worth saving.
     */
    public Mono<PipelineStatusView> status(UUID pipelineId, Collection<UUID> organizationIds) {
        return pooled(connection -> {
            StatusParts parts = new StatusParts(pipelineId);
            return Flux.from(connection.createStatement(STATUS_QUERY).bind("$1", pipelineId).execute())
                    .concatMap(result -> result.map(parts::read))
                    .then(Mono.fromSupplier(() -> parts.belongsTo(organizationIds) ? toStatus(parts) : null));
        });
    }

    private static boolean isLive(String status) {
        return !PipelineStatus.DELETED.wireName().equals(status);
    }

    private PipelineView toPipeline(Readable row) {
        PipelineConfigView config = new PipelineConfigView(row.get("database_name", String.class),
                List.of(row.get("tables", String[].class)), row.get("topic_prefix", String.class),
                row.get("snapshot_mode", String.class), row.get("replica_identity_full", Boolean.class),
                row.get("decimal_handling_mode", String.class), row.get("drift_policy", String.class),
                row.get("heartbeat_interval_ms", Integer.class), row.get("retry_window_minutes", Integer.class));
        return new PipelineView(row.get("id", UUID.class), row.get("organization_id", UUID.class),
                row.get("name", String.class), row.get("pipeline_type", String.class),
                row.get("source_service_id", UUID.class), row.get("sink_service_id", UUID.class),
                row.get("status", String.class), row.get("provision_step", String.class), config,
                row.get("error_message", String.class), row.get("created_at", Instant.class),
                row.get("updated_at", Instant.class));
    }

    private PipelineStatusView toStatus(StatusParts parts) {
        String errorMessage = PipelineHealth.errorMessage(parts.errorMessage, parts.sourceUnansweredSince);
        List<TaskStateView> tasks = json.read(parts.taskStates, TASK_STATES);
        return new PipelineStatusView(parts.pipelineId, parts.status, parts.connectorName, parts.connectorState, tasks,
                parts.sourceLagBytes, parts.topicPrefix, parts.lastHealthCheckAt, errorMessage,
                PipelineHealth.of(parts.status, errorMessage, parts.connectorState, tasks), parts.restartAttempts,
                parts.nextAttemptAt, parts.retainedWalBytes,
                warnings.about(parts.status, new StatusWarnings.SlotWal(parts.retainedWalBytes, parts.safeWalBytes,
                        parts.maxSlotWalKeepBytes), parts.gap, parts.uncapturedTables, parts.drifts));
    }

    /**
     * One pipeline's status as its parts arrive, row by row (a row's values can only be read while it is mapped):
     * the view row says whose pipeline it is and whether it is live; without one there is no pipeline to show.
     */
    private static final class StatusParts {

        private final UUID pipelineId;
        private boolean viewed;
        private UUID organizationId;
        private String status;
        private String connectorName;
        private String connectorState;
        private Json taskStates;
        private String topicPrefix;
        private String errorMessage;
        private int restartAttempts;
        private Instant nextAttemptAt;
        private Long sourceLagBytes;
        private Long retainedWalBytes;
        private Long safeWalBytes;
        private Long maxSlotWalKeepBytes;
        private Instant lastHealthCheckAt;
        private Instant sourceUnansweredSince;
        private StatusWarnings.DataGap gap;
        private final List<String> uncapturedTables = new ArrayList<>();
        private final List<String> drifts = new ArrayList<>();

        StatusParts(UUID pipelineId) {
            this.pipelineId = pipelineId;
        }

        /** Takes the next part; returns itself, as a result's mapping function must give something for each row. */
        StatusParts read(Row row, RowMetadata metadata) {
            switch (row.get("kind", String.class)) {
                case "view" -> {
                    viewed = true;
                    organizationId = row.get("organization_id", UUID.class);
                    status = row.get("status", String.class);
                    connectorName = row.get("connector_name", String.class);
                    connectorState = row.get("connector_state", String.class);
                    taskStates = row.get("task_states", Json.class);
                    topicPrefix = row.get("topic_prefix", String.class);
                    errorMessage = row.get("error_message", String.class);
                    restartAttempts = row.get("restart_attempts", Integer.class);
                    nextAttemptAt = row.get("next_attempt_at", Instant.class);
                }
                case "health" -> {
                    sourceLagBytes = row.get("source_lag_bytes", Long.class);
                    retainedWalBytes = row.get("retained_wal_bytes", Long.class);
                    safeWalBytes = row.get("safe_wal_bytes", Long.class);
                    maxSlotWalKeepBytes = row.get("max_slot_wal_keep_bytes", Long.class);
                    lastHealthCheckAt = row.get("last_health_check_at", Instant.class);
                    sourceUnansweredSince = row.get("source_unanswered_since", Instant.class);
                }
                case "gap" -> gap = new StatusWarnings.DataGap(row.get("gap_from_lsn", String.class),
                        row.get("gap_reason", String.class), row.get("gap_detected_at", Instant.class));
                case "uncaptured" -> uncapturedTables.add(row.get("item", String.class));
                case "drift" -> drifts.add(row.get("drift", String.class));
                default -> throw new IllegalStateException("a status part of an unknown kind");
            }
            return this;
        }

        boolean belongsTo(Collection<UUID> organizationIds) {
            return viewed && organizationIds.contains(organizationId) && isLive(status);
        }
    }
}
