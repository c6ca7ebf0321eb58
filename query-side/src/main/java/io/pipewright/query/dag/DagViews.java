package io.pipewright.query.dag;

import com.fasterxml.jackson.core.type.TypeReference;
import io.pipewright.kernel.dag.CheckResult;
import io.pipewright.kernel.dag.DagDefinition;
import io.pipewright.kernel.dag.DagSchedule;
import io.pipewright.kernel.query.DagPipelineView;
import io.pipewright.kernel.query.DagRunView;
import io.pipewright.query.ViewJson;
import io.pipewright.query.page.Keyset;
import io.pipewright.query.page.NameKeyset;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads the DAG views, never blocking. Only live pipelines (not deleted) of the caller's organizations are seen, and
 * runs only through them: anything else reads as absent, so an answer leaks no existence. A lookup by id names
 * nothing but the id and checks the organization and liveness on the row it found (see
 * {@code PipelineViews.STATUS_QUERY} for why); lists are keyset reads on an index ending in their order.
 * {@code next_run_at} is left null: when a schedule next fires is the scheduler's to say, and no view records it.
 */
@Component
class DagViews {

    private static final TypeReference<List<CheckResult>> CHECKS = new TypeReference<>() {
    };
    private static final String PIPELINE_COLUMNS = "p.id, p.organization_id, p.name, p.latest_version,"
            + " p.schedule_cron, p.schedule_time_zone, p.schedule_enabled, p.schedule_catch_up, p.created_at,"
            + " p.updated_at, p.deleted_at, v.version, v.definition, v.author, v.created_at AS version_created_at";
    private static final String RUN_COLUMNS = "r.id, r.pipeline_id, r.organization_id, r.version, r.status,"
            + " r.execution_date, r.trigger, r.sla_missed, r.started_at, r.ended_at, r.error";

    private final DatabaseClient database;
    private final ViewJson json;

    DagViews(DatabaseClient database, ViewJson json) {
        this.database = database;
        this.json = json;
    }

    /** The pipeline at {@code version} (null: the latest); empty when not visible or no such version. */
    Mono<DagPipelineView> pipeline(UUID pipelineId, Collection<UUID> organizationIds, Integer version) {
        return database.sql("SELECT " + PIPELINE_COLUMNS + " FROM dag_pipeline p JOIN dag_pipeline_version v"
                        + " ON v.pipeline_id = p.id AND v.version = COALESCE(CAST(:version AS INTEGER), p.latest_version)"
                        + " WHERE p.id = :id")
                .bind("id", pipelineId)
                .bind("version", Parameter.fromOrEmpty(version, Integer.class))
                .map(row -> visible(row, organizationIds) ? Optional.of(toPipeline(row))
                        : Optional.<DagPipelineView>empty())
                .one()
                .flatMap(Mono::justOrEmpty);
    }

    /**
     * At most {@code rows} live pipelines of {@code organizationIds} at their latest version, by name and id, after
     * {@code after} (from the first when null).
     */
    Flux<DagPipelineView> page(Collection<UUID> organizationIds, NameKeyset after, int rows) {
        String keyset = after == null ? "" : " AND (p.name COLLATE \"C\", p.id) > (:afterName COLLATE \"C\", :afterId)";
        DatabaseClient.GenericExecuteSpec query = database.sql("SELECT " + PIPELINE_COLUMNS
                        + " FROM dag_pipeline p JOIN dag_pipeline_version v"
                        + " ON v.pipeline_id = p.id AND v.version = p.latest_version"
                        + " WHERE p.organization_id = ANY(:organizationIds) AND p.deleted_at IS NULL" + keyset
                        + " ORDER BY p.name COLLATE \"C\", p.id LIMIT :rows")
                .bind("organizationIds", organizationIds.toArray(UUID[]::new))
                .bind("rows", rows);
        if (after != null) {
            query = query.bind("afterName", after.name()).bind("afterId", after.id());
        }
        return query.map(this::toPipeline).all();
    }

    /** Every version of the pipeline, newest first; empty when the pipeline is not visible. */
    Mono<List<DagPipelineVersionView>> versions(UUID pipelineId, Collection<UUID> organizationIds) {
        return isVisible(pipelineId, organizationIds).flatMap(visible -> database.sql("SELECT version, created_at,"
                        + " author FROM dag_pipeline_version WHERE pipeline_id = :id ORDER BY version DESC")
                .bind("id", pipelineId)
                .map(row -> new DagPipelineVersionView(row.get("version", Integer.class),
                        row.get("created_at", Instant.class), row.get("author", String.class)))
                .all()
                .collectList());
    }

    /**
     * At most {@code rows} runs of the pipeline, newest first (by start, then id), in {@code status} when not null,
     * after {@code after} (from the newest when null); empty when the pipeline is not visible.
     */
    Mono<List<DagRunView>> runs(UUID pipelineId, Collection<UUID> organizationIds, String status, Keyset after,
                                int rows) {
        StringBuilder sql = new StringBuilder("SELECT " + RUN_COLUMNS + " FROM dag_run r WHERE r.pipeline_id = :id");
        if (status != null) {
            sql.append(" AND r.status = :status");
        }
        if (after != null) {
            sql.append(" AND (r.started_at, r.id) < (:afterStartedAt, :afterId)");
        }
        sql.append(" ORDER BY r.started_at DESC, r.id DESC LIMIT :rows");
        return isVisible(pipelineId, organizationIds).flatMap(visible -> {
            DatabaseClient.GenericExecuteSpec query = database.sql(sql.toString())
                    .bind("id", pipelineId)
                    .bind("rows", rows);
            if (status != null) {
                query = query.bind("status", status);
            }
            if (after != null) {
                query = query.bind("afterStartedAt", after.createdAt()).bind("afterId", after.id());
            }
            return query.map(DagViews::toRunRow).all().collectList().flatMap(this::withTasks);
        });
    }

    /** The run of that pipeline; empty when either is not visible. */
    Mono<DagRunView> run(UUID pipelineId, UUID runId, Collection<UUID> organizationIds) {
        return database.sql("SELECT " + RUN_COLUMNS + ", p.organization_id AS pipeline_organization_id,"
                        + " p.deleted_at FROM dag_run r JOIN dag_pipeline p ON p.id = r.pipeline_id WHERE r.id = :id")
                .bind("id", runId)
                .map(row -> row.get("pipeline_id", UUID.class).equals(pipelineId)
                        && organizationIds.contains(row.get("pipeline_organization_id", UUID.class))
                        && row.get("deleted_at", Instant.class) == null
                        ? Optional.of(toRunRow(row)) : Optional.<DagRunView>empty())
                .one()
                .flatMap(Mono::justOrEmpty)
                .flatMap(run -> withTasks(List.of(run)))
                .map(runs -> runs.get(0));
    }

    /** The other live DAG pipelines of the organization at their latest version, for the lineage. */
    Mono<List<DagLineage.OtherPipeline>> organizationPipelines(UUID organizationId) {
        return database.sql("SELECT p.id, p.name, v.definition FROM dag_pipeline p JOIN dag_pipeline_version v"
                        + " ON v.pipeline_id = p.id AND v.version = p.latest_version"
                        + " WHERE p.organization_id = :organizationId AND p.deleted_at IS NULL")
                .bind("organizationId", organizationId)
                .map(row -> new DagLineage.OtherPipeline(row.get("id", UUID.class), row.get("name", String.class),
                        json.read(row.get("definition", Json.class), DagDefinition.class)))
                .all()
                .collectList();
    }

    /** The live CDC pipelines of the organization that capture tables of that service's database. */
    Mono<List<DagLineage.CdcPipeline>> cdcPipelines(UUID organizationId, UUID serviceId, String databaseName) {
        return database.sql("SELECT id, name, source_service_id, sink_service_id, database_name, tables, topic_prefix"
                        + " FROM pipeline_view WHERE organization_id = :organizationId AND status <> 'Deleted'"
                        + " AND source_service_id = :serviceId AND database_name = :databaseName")
                .bind("organizationId", organizationId)
                .bind("serviceId", serviceId)
                .bind("databaseName", databaseName)
                .map(row -> new DagLineage.CdcPipeline(row.get("id", UUID.class), row.get("name", String.class),
                        row.get("source_service_id", UUID.class), row.get("database_name", String.class),
                        List.of(row.get("tables", String[].class)), row.get("topic_prefix", String.class),
                        row.get("sink_service_id", UUID.class)))
                .all()
                .collectList();
    }

    /** A pipeline that may be seen: present (once) when live and of one of {@code organizationIds}. */
    private Mono<UUID> isVisible(UUID pipelineId, Collection<UUID> organizationIds) {
        return database.sql("SELECT organization_id, deleted_at FROM dag_pipeline WHERE id = :id")
                .bind("id", pipelineId)
                .map(row -> organizationIds.contains(row.get("organization_id", UUID.class))
                        && row.get("deleted_at", Instant.class) == null)
                .one()
                .filter(Boolean::booleanValue)
                .map(visible -> pipelineId);
    }

    private static boolean visible(Readable row, Collection<UUID> organizationIds) {
        return organizationIds.contains(row.get("organization_id", UUID.class))
                && row.get("deleted_at", Instant.class) == null;
    }

    /** The runs with their tasks, read in one query, each run's in the definition's order. */
    private Mono<List<DagRunView>> withTasks(List<DagRunView> runs) {
        if (runs.isEmpty()) {
            return Mono.just(runs);
        }
        return database.sql("SELECT * FROM dag_run_task WHERE run_id = ANY(:runIds) ORDER BY run_id, position")
                .bind("runIds", runs.stream().map(DagRunView::runId).toArray(UUID[]::new))
                .map(row -> Map.entry(row.get("run_id", UUID.class), toTask(row)))
                .all()
                .collect(Collectors.groupingBy(Map.Entry::getKey,
                        Collectors.mapping(Map.Entry::getValue, Collectors.toList())))
                .map(tasks -> runs.stream().map(run -> new DagRunView(run.runId(), run.pipelineId(),
                        run.organizationId(), run.version(), run.status(), run.executionDate(), run.trigger(),
                        run.slaMissed(), run.startedAt(), run.endedAt(), run.error(),
                        tasks.getOrDefault(run.runId(), List.of()))).toList());
    }

    private DagPipelineView toPipeline(Readable row) {
        String cron = row.get("schedule_cron", String.class);
        String catchUp = row.get("schedule_catch_up", String.class);
        DagSchedule schedule = cron == null ? null : new DagSchedule(cron, row.get("schedule_time_zone", String.class),
                row.get("schedule_enabled", Boolean.class),
                catchUp == null ? null : DagSchedule.CatchUp.valueOf(catchUp.toUpperCase(Locale.ROOT)));
        return new DagPipelineView(row.get("id", UUID.class), row.get("organization_id", UUID.class),
                row.get("name", String.class), row.get("version", Integer.class),
                row.get("latest_version", Integer.class),
                json.read(row.get("definition", Json.class), DagDefinition.class), schedule, null,
                row.get("author", String.class), row.get("version_created_at", Instant.class),
                row.get("created_at", Instant.class), row.get("updated_at", Instant.class));
    }

    /** A run without its tasks yet. */
    private static DagRunView toRunRow(Readable row) {
        return new DagRunView(row.get("id", UUID.class), row.get("pipeline_id", UUID.class),
                row.get("organization_id", UUID.class), row.get("version", Integer.class),
                row.get("status", String.class), row.get("execution_date", String.class),
                row.get("trigger", String.class), row.get("sla_missed", Boolean.class),
                row.get("started_at", Instant.class), row.get("ended_at", Instant.class),
                row.get("error", String.class), List.of());
    }

    private DagRunView.Task toTask(Readable row) {
        return new DagRunView.Task(row.get("task_id", String.class), row.get("type", String.class),
                List.of(row.get("depends_on", String[].class)), row.get("status", String.class),
                row.get("attempts", Integer.class), row.get("started_at", Instant.class),
                row.get("ended_at", Instant.class), row.get("next_attempt_at", Instant.class),
                row.get("rows_written", Long.class), json.read(row.get("checks", Json.class), CHECKS),
                row.get("error", String.class));
    }
}
