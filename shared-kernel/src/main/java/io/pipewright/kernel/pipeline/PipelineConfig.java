package io.pipewright.kernel.pipeline;

import java.time.Duration;
import java.util.List;

/**
 * What a pipeline captures and where it writes, with the reference's defaults already applied: tables are always
 * {@code schema.table} (the names as PostgreSQL stores them, unquoted; the first dot ends the schema), an empty list
 * means all tables (only when the request said {@code all_tables}: those that have a replica identity, tables
 * created later included once a health check sees them). {@code replicaIdentityFull}: a captured table without a
 * primary key may be given REPLICA IDENTITY FULL (restored on delete) instead of being refused.
 * {@code decimalHandlingMode}: how numeric values arrive in Kafka. A config recorded before it existed (an older
 * {@code PipelineCreated}, a saga's stored state) reads back without it, as null, and means what its connector has
 * run with since, {@link DecimalHandlingMode#STRING}: its consumers read strings and keep doing so. A new pipeline
 * that does not ask gets the reference's {@link DecimalHandlingMode#DOUBLE} from the request.
 * {@code driftPolicy}: what a health round does with resources altered past Pipewright; a config recorded before it
 * existed reads back as {@link DriftPolicy#REPAIR}, the default. {@code heartbeatIntervalMs}: how often the connector
 * sends a heartbeat and writes a logical message on the source, so its slot's confirmed position advances while the
 * captured tables are idle and the rest of the database writes; a config recorded before it existed reads back with
 * {@link #DEFAULT_HEARTBEAT_INTERVAL_MS}. {@code retryWindowMinutes}: how long a failing connector is retried (the
 * pipeline Running and degraded meanwhile) before the pipeline is Failed; null (not asked for, or recorded before it
 * existed) means the control plane's {@code pipewright.healing.retry-window}.
 */
public record PipelineConfig(String databaseName, List<String> tables, String topicPrefix, SnapshotMode snapshotMode,
                             boolean replicaIdentityFull, DecimalHandlingMode decimalHandlingMode,
                             DriftPolicy driftPolicy, Integer heartbeatIntervalMs, Integer retryWindowMinutes) {

    public static final int DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000;
    /** The bounds of {@code config.retry_window_minutes}: a minute to a week. */
    public static final int MIN_RETRY_WINDOW_MINUTES = 1;
    public static final int MAX_RETRY_WINDOW_MINUTES = 7 * 24 * 60;

    public PipelineConfig {
        tables = List.copyOf(tables);
        if (decimalHandlingMode == null) {
            decimalHandlingMode = DecimalHandlingMode.STRING;
        }
        if (driftPolicy == null) {
            driftPolicy = DriftPolicy.REPAIR;
        }
        if (heartbeatIntervalMs == null) {
            heartbeatIntervalMs = DEFAULT_HEARTBEAT_INTERVAL_MS;
        }
    }

    /** A config with the default heartbeat interval and the control plane's retry window. */
    public PipelineConfig(String databaseName, List<String> tables, String topicPrefix, SnapshotMode snapshotMode,
                          boolean replicaIdentityFull, DecimalHandlingMode decimalHandlingMode,
                          DriftPolicy driftPolicy) {
        this(databaseName, tables, topicPrefix, snapshotMode, replicaIdentityFull, decimalHandlingMode, driftPolicy,
                null, null);
    }

    /** A config with the default drift policy, heartbeat interval and retry window. */
    public PipelineConfig(String databaseName, List<String> tables, String topicPrefix, SnapshotMode snapshotMode,
                          boolean replicaIdentityFull, DecimalHandlingMode decimalHandlingMode) {
        this(databaseName, tables, topicPrefix, snapshotMode, replicaIdentityFull, decimalHandlingMode, null, null,
                null);
    }

    /** The pipeline's own retry window, else {@code controlPlaneDefault}. */
    public Duration retryWindow(Duration controlPlaneDefault) {
        return retryWindowMinutes == null ? controlPlaneDefault : Duration.ofMinutes(retryWindowMinutes);
    }

    public boolean capturesAllTables() {
        return tables.isEmpty();
    }
}
