package io.pipewright.command.pipeline;

import io.pipewright.command.web.Violations;
import io.pipewright.kernel.pipeline.CreatePipeline;
import io.pipewright.kernel.pipeline.PipelineConfig;
import io.pipewright.kernel.pipeline.SnapshotMode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
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
    private static final Pattern TABLE = Pattern.compile("(" + IDENTIFIER_PART + "\\.)?" + IDENTIFIER_PART);
    private static final Pattern TOPIC_PREFIX = Pattern.compile("[A-Za-z0-9._-]{1,200}");
    private static final String IDENTIFIER_RULE = "must be a PostgreSQL identifier: a letter or underscore, then "
            + "letters, digits, underscores or $, at most 63 characters";

    record Config(String databaseName, List<String> tables, String topicPrefix, String snapshotMode,
                  Boolean replicaIdentityFull) {
    }

    CreatePipeline toCommand(UUID organizationId, UUID pipelineId) {
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
        Config given = config == null ? new Config(null, null, null, null, null) : config;
        String databaseName = given.databaseName() == null ? DEFAULT_DATABASE : given.databaseName();
        violations.matches("config.database_name", databaseName, IDENTIFIER, IDENTIFIER_RULE);
        List<String> tables = normalizedTables(given.tables(), violations);
        String topicPrefix = given.topicPrefix() == null ? name : given.topicPrefix();
        violations.matches("config.topic_prefix", topicPrefix, TOPIC_PREFIX,
                "may contain only letters, digits, '.', '_' and '-', at most 200 characters");
        String snapshotValue = given.snapshotMode() == null ? SnapshotMode.INITIAL.debeziumValue()
                : given.snapshotMode();
        SnapshotMode snapshotMode = SnapshotMode.fromDebeziumValue(snapshotValue).orElse(null);
        violations.check("config.snapshot_mode", snapshotMode != null,
                "must be one of " + String.join(", ", SnapshotMode.debeziumValues()));
        violations.throwIfAny();
        return new CreatePipeline(pipelineId, organizationId, name, pipelineType, UUID.fromString(sourceServiceId),
                UUID.fromString(sinkServiceId), new PipelineConfig(databaseName, tables, topicPrefix, snapshotMode,
                        Boolean.TRUE.equals(given.replicaIdentityFull())), Boolean.TRUE.equals(paused));
    }

    /** {@code orders} means {@code public.orders}; repeats are dropped, order kept. */
    private static List<String> normalizedTables(List<String> tables, Violations violations) {
        if (tables == null) {
            return List.of();
        }
        LinkedHashSet<String> normalized = new LinkedHashSet<>();
        for (int i = 0; i < tables.size(); i++) {
            String table = tables.get(i);
            String field = "config.tables[" + i + "]";
            if (violations.required(field, table) && violations.matches(field, table, TABLE,
                    "must be schema.table or table, each part a PostgreSQL identifier")) {
                normalized.add(table.contains(".") ? table : DEFAULT_SCHEMA + "." + table);
            }
        }
        return new ArrayList<>(normalized);
    }
}
