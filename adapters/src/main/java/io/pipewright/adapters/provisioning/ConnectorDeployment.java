package io.pipewright.adapters.provisioning;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.adapters.connect.ConnectClient;
import io.pipewright.adapters.connect.ConnectorTraces;
import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.kernel.pipeline.ResourceNames;
import io.pipewright.kernel.pipeline.TaskState;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.sagas.orphans.TaggedResource;
import io.pipewright.sagas.provisioning.PipelineResource;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.ServiceRecord;
import io.pipewright.sagas.provisioning.StepFailed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The pipeline's Debezium connector on its worker ({@code mdb-pipeline-<8 hex>}, {@link ResourceNames#connector}), as
 * desired: created (paused if it should be) or converged to the desired config pointing at a given primary, then
 * awaited until it runs or is paused. Used by create_connector and by re-pointing after a failover. It reads the
 * platform's publication (autocreate disabled: a plain replication role may not create one) through a failover slot
 * named after the pipeline. Connector names hold only the first 8 hex digits of the pipeline's id, so a connector of
 * that name may be another pipeline's (or made by hand): it is this pipeline's only when its {@code slot.name} is the
 * pipeline's slot, and another's is never overwritten, restarted or deleted.
 */
@Component
class ConnectorDeployment implements PipelineResource<Map<String, String>> {

    static final String RUNNING = "RUNNING";
    static final String PAUSED = "PAUSED";
    static final String FAILED = "FAILED";
    private static final Logger LOG = LoggerFactory.getLogger(ConnectorDeployment.class);
    private static final String STOPPED = "STOPPED";
    private static final Duration RUNNING_WITHIN = Duration.ofSeconds(90);
    private static final Duration POLL = Duration.ofMillis(500);

    private final ConnectClient connect;
    private final ConnectorCredentials credentials;
    private final ConnectorSecret secret;
    private final ConnectorCaCertificate caCertificate;
    private final UncapturedTables uncapturedTables;
    private final SourceAdmin admin;

    ConnectorDeployment(ConnectClient connect, ConnectorCredentials credentials, ConnectorSecret secret,
                        ConnectorCaCertificate caCertificate, UncapturedTables uncapturedTables, SourceAdmin admin) {
        this.connect = connect;
        this.credentials = credentials;
        this.secret = secret;
        this.caCertificate = caCertificate;
        this.uncapturedTables = uncapturedTables;
        this.admin = admin;
    }

    @Override
    public String kind() {
        return TaggedResource.CONNECTOR;
    }

    /** The config pointing at the source's current primary, the password as a reference only. */
    @Override
    public Map<String, String> desired(PipelineSpec pipeline) {
        Optional<String> caCertificateFile = pipeline.source().postgres().sslMode().verifiesCertificate()
                ? Optional.of(caCertificate.desired(pipeline)) : Optional.empty();
        return desiredConfig(pipeline, admin.primary(pipeline.source().postgres()), secret.desired(pipeline),
                caCertificateFile, uncapturedTables.of(pipeline));
    }

    /** The connector's config on the worker; empty when there is none, or when it is another pipeline's. */
    @Override
    public Optional<Map<String, String>> observe(PipelineSpec pipeline) {
        return connect.config(pipeline.sink().kafka().connect(), pipeline.connectorName())
                .filter(config -> owns(pipeline.sourceResourceName(), config));
    }

    /**
     * Done when the connector and every task run, or are paused for a pipeline that should be paused (created so, it
     * never streamed a row). A connector of the same name that is another pipeline's fails it.
     */
    @Override
    public String converge(PipelineSpec pipeline) {
        converge(pipeline, admin.primary(pipeline.source().postgres()), false);
        return pipeline.connectorName();
    }

    /** The connector with its offsets; one of the same name that is another pipeline's is left in place. */
    @Override
    public void remove(PipelineSpec pipeline) {
        if (!remove(pipeline.sink().kafka().connect(), pipeline.connectorName(), pipeline.sourceResourceName())) {
            LOG.warn("Pipeline {}: connector {} on the worker is another pipeline's; left in place",
                    pipeline.pipelineId(), pipeline.connectorName());
        }
    }

    /** The connectors in Pipewright's namespace on the sink's worker, with the pipeline their slot names. */
    @Override
    public List<TaggedResource> discoverTagged(ServiceRecord service) {
        if (service.kafka() == null || service.kafka().connect() == null) {
            return List.of();
        }
        KafkaConnectEndpoint worker = service.kafka().connect();
        List<TaggedResource> found = new ArrayList<>();
        connect.connectorsWithStatusAndConfig(worker).forEach((name, expanded) -> {
            if (ResourceNames.inConnectorNamespace(name)) {
                JsonNode slot = expanded.path("info").path("config").path("slot.name");
                found.add(new TaggedResource(TaggedResource.CONNECTOR, name, worker.url(), null,
                        ResourceNames.pipelineIdOfSourceResource(slot.asText(null)).orElse(null)));
            }
        });
        return found;
    }

    /**
     * Removed only while its {@code slot.name} still names the orphan's pipeline, as when it was found (one without a
     * pipeline's slot name only while it still has none).
     */
    @Override
    public void removeTagged(ServiceRecord service, TaggedResource resource) {
        remove(service.kafka().connect(), resource.name(), resource.pipelineId() == null ? null
                : ResourceNames.sourceResource(resource.pipelineId()));
    }

    /**
     * The connector as desired, pointing at {@code primary}; {@code restartIfUnchanged}: restart it even when its
     * config is already right (a connector that lost its database fails and stays FAILED).
     */
    void converge(PipelineSpec pipeline, PostgresNode primary, boolean restartIfUnchanged) {
        KafkaConnectEndpoint worker = pipeline.sink().kafka().connect();
        String password = credentials.password(pipeline);
        Map<String, String> desired = desiredConfig(pipeline, primary, secret.converge(pipeline, password),
                caCertificate.write(pipeline), uncapturedTables.of(pipeline));
        Optional<Map<String, String>> actual = ownConfig(pipeline);
        if (actual.isEmpty()) {
            connect.create(worker, pipeline.connectorName(), desired, pipeline.paused() ? PAUSED : RUNNING);
        } else if (!matches(actual.get(), desired)) {
            connect.putConfig(worker, pipeline.connectorName(), desired);
        } else if (restartIfUnchanged) {
            connect.restart(worker, pipeline.connectorName(), false);
        }
        awaitDesiredState(pipeline, worker, password);
    }

    /** The connector's config on the worker, if it has one; refused with {@link StepFailed} when it is another's. */
    Optional<Map<String, String>> ownConfig(PipelineSpec pipeline) {
        Optional<Map<String, String>> actual = connect.config(pipeline.sink().kafka().connect(),
                pipeline.connectorName());
        actual.filter(config -> !owns(pipeline.sourceResourceName(), config))
                .ifPresent(config -> {
                    throw new StepFailed(notOwnedMessage(pipeline, config));
                });
        return actual;
    }

    static boolean owns(String slotName, Map<String, String> config) {
        return Objects.equals(slotName, config.get("slot.name"));
    }

    static String notOwnedMessage(PipelineSpec pipeline, Map<String, String> config) {
        String slot = config.get("slot.name");
        return "connector " + pipeline.connectorName() + " on the Kafka Connect worker is not this pipeline's (its "
                + "slot.name is " + (slot == null ? "not set" : slot) + ", not " + pipeline.sourceResourceName()
                + "): Pipewright neither overwrites nor deletes another pipeline's connector; remove or rename it "
                + "on the worker, then delete this pipeline and create it again";
    }

    /**
     * {@code password}: the password itself, or a reference the worker resolves (see {@link ConnectorSecret}).
     * {@code caCertificateFile}: where the worker reads the source's CA certificate, for a source that verifies its
     * server (see {@link ConnectorCaCertificate}). {@code uncaptured}: tables left out of the publication of a
     * pipeline that captures all tables; the snapshot leaves them out too.
     */
    static Map<String, String> desiredConfig(PipelineSpec pipeline, PostgresNode primary, String password,
                                             Optional<String> caCertificateFile, List<String> uncaptured) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("connector.class", DebeziumPlugin.CONNECTOR_CLASS);
        config.put("tasks.max", "1");
        config.put("plugin.name", "pgoutput");
        config.put("database.hostname", primary.host());
        config.put("database.port", String.valueOf(primary.port()));
        config.put("database.user", pipeline.sourceResourceName());
        config.put("database.password", password);
        config.put("database.dbname", pipeline.config().databaseName());
        // The source's ssl_mode, which Debezium's driver reads as pgjdbc does for the control plane's sessions.
        config.put("database.sslmode", pipeline.source().postgres().sslMode().wireName());
        caCertificateFile.ifPresent(file -> config.put("database.sslrootcert", file));
        config.put("topic.prefix", pipeline.config().topicPrefix());
        config.put("publication.name", pipeline.sourceResourceName());
        config.put("publication.autocreate.mode", "disabled");
        config.put("slot.name", pipeline.sourceResourceName());
        // Synced to standbys that sync slots (PostgreSQL 17+), so the connector resumes on a promoted one; Debezium
        // creates a plain slot on older versions.
        config.put("slot.failover", "true");
        config.put("snapshot.mode", pipeline.config().snapshotMode().debeziumValue());
        config.put("decimal.handling.mode", pipeline.config().decimalHandlingMode().debeziumValue());
        // A heartbeat that writes a non-transactional logical message on the source (no table, no grant beyond
        // LOGIN): it reaches the connector through its slot, which then confirms a position past the rest of the
        // database's writes, so an idle capture does not make the source retain WAL.
        config.put("heartbeat.interval.ms", String.valueOf(pipeline.config().heartbeatIntervalMs()));
        config.put("heartbeat.action.query", "SELECT pg_logical_emit_message(false, '"
                + ResourceNames.HEARTBEAT_MESSAGE_PREFIX + "', now()::text)");
        config.put("message.prefix.exclude.list", ResourceNames.HEARTBEAT_MESSAGE_PREFIX);
        // The reference's envelope is plain JSON (before, after, source, op), without Connect's schema wrapper.
        config.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("key.converter.schemas.enable", "false");
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter.schemas.enable", "false");
        if (!pipeline.config().capturesAllTables()) {
            config.put("table.include.list", pipeline.config().tables().stream()
                    .map(ConnectorDeployment::exactTablePattern).collect(Collectors.joining(",")));
        } else if (!uncaptured.isEmpty()) {
            config.put("table.exclude.list", uncaptured.stream()
                    .map(ConnectorDeployment::exactTablePattern).collect(Collectors.joining(",")));
        }
        return config;
    }

    /**
     * Debezium reads each entry of {@code table.include.list} as a regular expression matched whole against
     * {@code schema.table}, case-insensitively: every character but letters and digits is escaped (a backslash before
     * any other character is always that character in Java's regular expressions), and case is made to count. The
     * closing parenthesis keeps a trailing backslash from escaping the list's comma.
     */
    static String exactTablePattern(String table) {
        int dot = table.indexOf('.');
        return "(?-i:" + escaped(table.substring(0, dot)) + "\\." + escaped(table.substring(dot + 1)) + ")";
    }

    private static String escaped(String name) {
        StringBuilder pattern = new StringBuilder();
        name.codePoints().forEach(c -> {
            if (!Character.isLetterOrDigit(c)) {
                pattern.append('\\');
            }
            pattern.appendCodePoint(c);
        });
        return pattern.toString();
    }

    private static boolean matches(Map<String, String> actual, Map<String, String> desired) {
        Map<String, String> comparable = new HashMap<>(actual);
        comparable.remove("name");
        return comparable.equals(desired);
    }

    private void awaitDesiredState(PipelineSpec pipeline, KafkaConnectEndpoint worker, String password) {
        String desired = pipeline.paused() ? PAUSED : RUNNING;
        Instant deadline = Instant.now().plus(RUNNING_WITHIN);
        String lastState = "not reported";
        while (Instant.now().isBefore(deadline)) {
            Optional<ConnectClient.ConnectorStatus> status = connect.status(worker, pipeline.connectorName());
            if (status.isPresent()) {
                ConnectClient.ConnectorStatus current = status.get();
                if (FAILED.equals(current.state()) || current.tasks().stream().anyMatch(t -> FAILED.equals(t.state()))) {
                    throw new StepFailed("connector task failed: "
                            + ConnectorTraces.excerpt(current.firstTrace(), password));
                }
                // A connector created paused has no tasks until it is resumed.
                boolean tasksThere = !current.tasks().isEmpty() || PAUSED.equals(desired);
                if (desired.equals(current.state()) && tasksThere
                        && current.tasks().stream().map(TaskState::state).allMatch(desired::equals)) {
                    return;
                }
                lastState = current.state() + " " + current.tasks();
            }
            Waiting.pause(POLL, "the connector");
        }
        throw new IllegalStateException("connector " + pipeline.connectorName() + " was not " + desired + " within "
                + RUNNING_WITHIN.toSeconds() + " s (last seen: " + lastState + ")");
    }

    /**
     * Stops the connector, deletes its committed offsets (a future connector of the same name must not resume from
     * them), then deletes it. Nothing when the worker does not know it, or when its {@code slot.name} is not
     * {@code slotName} (another pipeline's connector of the same name): then it answers false.
     */
    boolean remove(KafkaConnectEndpoint worker, String name, String slotName) {
        Optional<Map<String, String>> config = connect.config(worker, name);
        if (config.isEmpty()) {
            return true;
        }
        if (!owns(slotName, config.get())) {
            return false;
        }
        connect.stop(worker, name);
        Instant deadline = Instant.now().plus(RUNNING_WITHIN);
        Optional<ConnectClient.ConnectorStatus> status = connect.status(worker, name);
        while (status.isPresent() && !STOPPED.equals(status.get().state())) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("connector " + name + " did not stop within "
                        + RUNNING_WITHIN.toSeconds() + " s");
            }
            Waiting.pause(POLL, "the connector");
            status = connect.status(worker, name);
        }
        connect.deleteOffsets(worker, name);
        connect.delete(worker, name);
        return true;
    }
}
