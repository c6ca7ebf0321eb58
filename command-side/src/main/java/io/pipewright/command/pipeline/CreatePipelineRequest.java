package io.pipewright.command.pipeline;

import io.pipewright.command.web.Violations;
import io.pipewright.kernel.pipeline.CreatePipeline;
import io.pipewright.kernel.pipeline.DecimalHandlingMode;
import io.pipewright.kernel.pipeline.DriftPolicy;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.SnapshotMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The body of {@code POST /organizations/{orgId}/pipelines}, validated as the reference's request-field table says. */
record CreatePipelineRequest(String name, String pipelineType, String sourceServiceId, String sinkServiceId,
                             Config config, Boolean paused) {

    static final String CDC_PG_TO_KAFKA = "cdc_pg_to_kafka";
    static final String DEFAULT_DATABASE = "defaultdb";
    static final String DEFAULT_SCHEMA = "public";
    static final int MAX_NAME_LENGTH = 64;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final String IDENTIFIER_PART = "[A-Za-z_][A-Za-z0-9_$]{0,62}";
    private static final Pattern IDENTIFIER = Pattern.compile(IDENTIFIER_PART);
    /**
     * {@code table} or {@code schema.table}, each part a plain identifier or a quoted one ({@code "Order Lines"}).
     * A quoted part holds neither {@code "} nor {@code ,} (Debezium's table list is comma-separated) nor control
     * characters; a quoted schema holds no {@code .}, so the first dot of the stored {@code schema.table} separates
     * the two.
     */
    private static final Pattern TABLE = Pattern.compile("(?:(" + IDENTIFIER_PART + "|\"[^\".,\\p{Cntrl}]+\")\\.)?("
            + IDENTIFIER_PART + "|\"[^\",\\p{Cntrl}]+\")");
    private static final Pattern SYSTEM_SCHEMA = Pattern.compile("pg_catalog|information_schema|pg_.*");
    /** Kafka's topic names: at most 249 of these characters; Debezium replaces any other character with '_'. */
    private static final Pattern TOPIC_ILLEGAL = Pattern.compile("[^A-Za-z0-9._-]");
    private static final int MAX_TOPIC_LENGTH = 249;
    /** PostgreSQL keeps the first 63 bytes of an identifier (NAMEDATALEN - 1). */
    private static final int MAX_IDENTIFIER_BYTES = 63;
    private static final Pattern TOPIC_PREFIX = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final String IDENTIFIER_RULE = "must be a PostgreSQL identifier: a letter or underscore, then "
            + "letters, digits, underscores or $, at most 63 characters";

    /**
     * {@code allTables}: capture every table of the database that has a replica identity, tables created later
     * included (the others are named in the status warnings); an explicit choice, as an empty table list used to
     * mean it silently. {@code decimalHandlingMode}: Debezium's {@code decimal.handling.mode}, by default
     * {@code double} as in the reference's envelope ({@code "total": 99.95}). {@code driftPolicy}: {@code repair}
     * (the default) converges resources altered past Pipewright back, {@code report} only records and warns.
     * {@code heartbeatIntervalMs}: how often the connector sends a heartbeat and writes a logical message on the
     * source (default 10 s), so the slot's confirmed position advances while the captured tables are idle.
     * {@code retryWindowMinutes}: how long a failing connector is retried before the pipeline is Failed; absent: the
     * control plane's {@code pipewright.healing.retry-window}.
     */
    record Config(String databaseName, List<String> tables, String topicPrefix, String snapshotMode,
                  Boolean replicaIdentityFull, Boolean allTables, String decimalHandlingMode, String driftPolicy,
                  Integer heartbeatIntervalMs, Integer retryWindowMinutes) {
    }

    /** A heartbeat at most every second (each writes a WAL record on the source) and at least every 10 minutes. */
    static final int MIN_HEARTBEAT_INTERVAL_MS = 1_000;
    static final int MAX_HEARTBEAT_INTERVAL_MS = 600_000;

    /** {@code maxTables}: the most tables one pipeline may list ({@code pipewright.pipelines.max-tables}). */
    CreatePipeline toCommand(UUID organizationId, UUID pipelineId, int maxTables) {
        Violations violations = new Violations();
        if (violations.required("name", name)) {
            violations.check("name", name.length() <= MAX_NAME_LENGTH, "must be at most 64 characters");
            violations.matches("name", name, NAME, "may contain only letters, digits, hyphens and underscores");
        }
        if (violations.required("pipeline_type", pipelineType)) {
            violations.check("pipeline_type", CDC_PG_TO_KAFKA.equals(pipelineType), "must be cdc_pg_to_kafka");
        }
        boolean sourceValid = violations.required("source_service_id", sourceServiceId)
                && violations.matches("source_service_id", sourceServiceId, UUID_TEXT, "must be a UUID");
        boolean sinkValid = violations.required("sink_service_id", sinkServiceId)
                && violations.matches("sink_service_id", sinkServiceId, UUID_TEXT, "must be a UUID");
        if (sourceValid && sinkValid) {
            violations.check("sink_service_id", !UUID.fromString(sourceServiceId).equals(UUID.fromString(sinkServiceId)),
                    "must differ from source_service_id");
        }
        Config given = config == null ? new Config(null, null, null, null, null, null, null, null, null, null) : config;
        String databaseName = given.databaseName() == null ? DEFAULT_DATABASE : given.databaseName();
        violations.matches("config.database_name", databaseName, IDENTIFIER, IDENTIFIER_RULE);
        List<String> tables = normalizedTables(given.tables(), violations);
        String topicPrefix = given.topicPrefix() == null ? name : given.topicPrefix();
        if (violations.matches("config.topic_prefix", topicPrefix, TOPIC_PREFIX,
                "may contain only letters, digits, '.', '_' and '-', at most 200 characters") && topicPrefix != null) {
            checkTopics(topicPrefix, given.tables(), violations);
        }
        String snapshotValue = given.snapshotMode() == null ? SnapshotMode.INITIAL.debeziumValue()
                : given.snapshotMode();
        SnapshotMode snapshotMode = SnapshotMode.fromDebeziumValue(snapshotValue).orElse(null);
        violations.check("config.snapshot_mode", snapshotMode != null,
                "must be one of " + String.join(", ", SnapshotMode.debeziumValues()));
        String decimalValue = given.decimalHandlingMode() == null ? DecimalHandlingMode.DOUBLE.debeziumValue()
                : given.decimalHandlingMode();
        DecimalHandlingMode decimalHandlingMode = DecimalHandlingMode.fromDebeziumValue(decimalValue).orElse(null);
        violations.check("config.decimal_handling_mode", decimalHandlingMode != null,
                "must be one of " + String.join(", ", DecimalHandlingMode.debeziumValues()));
        String driftValue = given.driftPolicy() == null ? DriftPolicy.REPAIR.wireValue() : given.driftPolicy();
        DriftPolicy driftPolicy = DriftPolicy.fromWireValue(driftValue).orElse(null);
        violations.check("config.drift_policy", driftPolicy != null,
                "must be one of " + String.join(", ", DriftPolicy.wireValues()));
        Integer heartbeatIntervalMs = given.heartbeatIntervalMs() == null
                ? PipelineConfig.DEFAULT_HEARTBEAT_INTERVAL_MS : given.heartbeatIntervalMs();
        violations.check("config.heartbeat_interval_ms", heartbeatIntervalMs >= MIN_HEARTBEAT_INTERVAL_MS
                        && heartbeatIntervalMs <= MAX_HEARTBEAT_INTERVAL_MS,
                "must be between " + MIN_HEARTBEAT_INTERVAL_MS + " and " + MAX_HEARTBEAT_INTERVAL_MS
                        + " milliseconds");
        Integer retryWindowMinutes = given.retryWindowMinutes();
        violations.check("config.retry_window_minutes", retryWindowMinutes == null
                || (retryWindowMinutes >= PipelineConfig.MIN_RETRY_WINDOW_MINUTES
                && retryWindowMinutes <= PipelineConfig.MAX_RETRY_WINDOW_MINUTES),
                "must be a whole number of minutes from " + PipelineConfig.MIN_RETRY_WINDOW_MINUTES + " to "
                        + PipelineConfig.MAX_RETRY_WINDOW_MINUTES + " (a week)");
        checkTableChoice(given, maxTables, violations);
        violations.throwIfAny();
        return new CreatePipeline(pipelineId, organizationId, name, pipelineType, UUID.fromString(sourceServiceId),
                UUID.fromString(sinkServiceId), new PipelineConfig(databaseName, tables, topicPrefix, snapshotMode,
                        Boolean.TRUE.equals(given.replicaIdentityFull()), decimalHandlingMode, driftPolicy,
                        heartbeatIntervalMs, retryWindowMinutes),
                Boolean.TRUE.equals(paused));
    }

    /**
     * {@code orders} means {@code public.orders}; quotes are dropped ({@code "Order Lines"} is stored as
     * {@code public.Order Lines}); repeats are dropped, order kept.
     */
    private static List<String> normalizedTables(List<String> tables, Violations violations) {
        if (tables == null) {
            return List.of();
        }
        LinkedHashSet<String> normalized = new LinkedHashSet<>();
        for (int i = 0; i < tables.size(); i++) {
            String table = tables.get(i);
            String field = "config.tables[" + i + "]";
            if (!violations.required(field, table)) {
                continue;
            }
            Matcher parts = TABLE.matcher(table);
            if (!violations.check(field, parts.matches(), "must be schema.table or table, each part a PostgreSQL "
                    + "identifier, plain or in double quotes without '\"', ',' or control characters")) {
                continue;
            }
            String schema = parts.group(1) == null ? DEFAULT_SCHEMA : unquoted(parts.group(1));
            String relation = unquoted(parts.group(2));
            boolean fits = violations.check(field, fitsIdentifier(schema) && fitsIdentifier(relation),
                    "each part must be at most 63 bytes, without leading or trailing spaces");
            boolean userTable = violations.check(field, !SYSTEM_SCHEMA.matcher(schema).matches(),
                    "must not be in a system schema (pg_catalog, information_schema or pg_*)");
            if (fits && userTable) {
                normalized.add(schema + "." + relation);
            }
        }
        return new ArrayList<>(normalized);
    }

    /**
     * Debezium writes table {@code s.t} to topic {@code <topic_prefix>.s.t}, with every character Kafka does not allow
     * replaced by '_': each must fit Kafka's 249 characters, and no two tables may share one.
     */
    private static void checkTopics(String topicPrefix, List<String> tables, Violations violations) {
        if (tables == null) {
            return;
        }
        Map<String, Integer> firstWithTopic = new HashMap<>();
        for (int i = 0; i < tables.size(); i++) {
            String table = tables.get(i);
            Matcher parts = table == null ? null : TABLE.matcher(table);
            if (parts == null || !parts.matches()) {
                continue;
            }
            String schema = parts.group(1) == null ? DEFAULT_SCHEMA : unquoted(parts.group(1));
            String topic = topicOf(topicPrefix, schema, unquoted(parts.group(2)));
            String field = "config.tables[" + i + "]";
            violations.check(field, topic.length() <= MAX_TOPIC_LENGTH, "gives a Kafka topic of " + topic.length()
                    + " characters (topic_prefix.schema.table); Kafka allows at most " + MAX_TOPIC_LENGTH);
            Integer earlier = firstWithTopic.putIfAbsent(topic, i);
            if (earlier != null && !sameTable(tables.get(earlier), table)) {
                violations.check(field, false, "gives the same Kafka topic as config.tables[" + earlier + "]: "
                        + topic);
            }
        }
    }

    private static String topicOf(String topicPrefix, String schema, String table) {
        return TOPIC_ILLEGAL.matcher(topicPrefix + "." + schema + "." + table).replaceAll("_");
    }

    private static boolean sameTable(String first, String second) {
        return normalizedTables(List.of(first), new Violations())
                .equals(normalizedTables(List.of(second), new Violations()));
    }

    /** A table list, or the explicit choice of all tables; never both, never neither; at most {@code maxTables}. */
    private static void checkTableChoice(Config given, int maxTables, Violations violations) {
        boolean listed = given.tables() != null && !given.tables().isEmpty();
        boolean allTables = Boolean.TRUE.equals(given.allTables());
        if (listed) {
            violations.check("config.all_tables", !allTables, "must not be true when config.tables lists tables");
            violations.check("config.tables", given.tables().size() <= maxTables,
                    "may list at most " + maxTables + " tables");
        } else {
            violations.check("config.tables", allTables, "is required: list the tables to capture, or set "
                    + "config.all_tables to true to capture every table that has a replica identity");
        }
    }

    private static String unquoted(String part) {
        return part.startsWith("\"") ? part.substring(1, part.length() - 1) : part;
    }

    private static boolean fitsIdentifier(String part) {
        return part.getBytes(StandardCharsets.UTF_8).length <= MAX_IDENTIFIER_BYTES && part.equals(part.strip());
    }
}
