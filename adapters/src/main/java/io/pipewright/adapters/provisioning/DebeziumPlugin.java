package io.pipewright.adapters.provisioning;

import io.pipewright.adapters.connect.ConnectClient;
import io.pipewright.kernel.policy.HostPathPolicy;
import io.pipewright.kernel.policy.HostPathRefused;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.PluginInstallation;
import io.pipewright.sagas.orphans.TaggedResource;
import io.pipewright.sagas.provisioning.PipelineResource;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.ServiceRecord;
import io.pipewright.sagas.provisioning.StepFailed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The plugin of install_plugin: the Debezium PostgreSQL connector on the sink's Connect worker. Listed already: nothing to do.
 * Otherwise, for a shared plugin directory, extract the archive there and ask the worker's supervisor for a restart
 * ({@code .restart-requested}), then wait until the worker lists the plugin. Installs are serialized per worker with
 * an advisory lock in the control plane's database, so pipelines created together cause one install, one restart.
 * The plugin directory must be under an allowed host root once its symlinks are resolved ({@link HostPathPolicy}).
 */
@Component
class DebeziumPlugin implements PipelineResource<String> {

    static final String KIND = "plugin";
    static final String CONNECTOR_CLASS = "io.debezium.connector.postgresql.PostgresConnector";
    static final String RESTART_MARKER = ".restart-requested";
    private static final Duration RESTART_WITHIN = Duration.ofMinutes(3);
    private static final Duration POLL = Duration.ofMillis(500);

    private final ConnectClient connect;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate ownTransaction;
    private final String archive;
    private final HostPathPolicy hostPaths;

    DebeziumPlugin(ConnectClient connect, JdbcTemplate jdbc, PlatformTransactionManager transactions,
                       @Value("${pipewright.plugins.debezium-postgres-archive:}") String archive,
                       HostPathPolicy hostPaths) {
        this.connect = connect;
        this.hostPaths = hostPaths;
        this.jdbc = jdbc;
        this.ownTransaction = new TransactionTemplate(transactions);
        this.ownTransaction.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
        this.archive = archive;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** The connector class the worker should list. */
    @Override
    public String desired(PipelineSpec pipeline) {
        return CONNECTOR_CLASS;
    }

    @Override
    public Optional<String> observe(PipelineSpec pipeline) {
        return listed(pipeline.sink().kafka().connect()) ? Optional.of(CONNECTOR_CLASS) : Optional.empty();
    }

    @Override
    public String converge(PipelineSpec pipeline) {
        KafkaConnectEndpoint worker = pipeline.sink().kafka().connect();
        if (listed(worker)) {
            return CONNECTOR_CLASS;
        }
        if (worker.pluginInstallation() == PluginInstallation.PREINSTALLED) {
            throw new StepFailed("the Kafka Connect worker at " + worker.url() + " does not list " + CONNECTOR_CLASS
                    + "; install the Debezium PostgreSQL connector plugin on it, or register the service with "
                    + "plugin_installation shared_directory");
        }
        return ownTransaction.execute(status -> {
            jdbc.query("SELECT pg_advisory_xact_lock(hashtext(?))", rows -> null, "install-plugin " + worker.url());
            if (!listed(worker)) {
                installAndRestart(worker);
            }
            return CONNECTOR_CLASS;
        });
    }

    private void installAndRestart(KafkaConnectEndpoint worker) {
        if (archive.isBlank()) {
            throw new StepFailed("no Debezium plugin archive is configured (pipewright.plugins."
                    + "debezium-postgres-archive)");
        }
        Path pluginPath;
        try {
            pluginPath = hostPaths.directory(worker.pluginPath());
            PluginArchive.install(Path.of(archive), pluginPath);
            Path marker = pluginPath.resolve(RESTART_MARKER);
            if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
                Files.createFile(marker);
            }
        } catch (HostPathRefused refused) {
            throw new StepFailed("cannot install the Debezium plugin: " + refused.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot install the Debezium plugin into " + worker.pluginPath() + ": "
                    + e.getMessage(), e);
        }
        awaitListed(worker, pluginPath.resolve(RESTART_MARKER));
    }

    private void awaitListed(KafkaConnectEndpoint worker, Path marker) {
        Instant deadline = Instant.now().plus(RESTART_WITHIN);
        while (Instant.now().isBefore(deadline)) {
            if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS) && listedOrRestarting(worker)) {
                return;
            }
            Waiting.pause(POLL, "the Connect worker");
        }
        throw new IllegalStateException("the Kafka Connect worker at " + worker.url() + " did not list "
                + CONNECTOR_CLASS + " within " + RESTART_WITHIN.toMinutes() + " minutes of a restart request");
    }

    private boolean listed(KafkaConnectEndpoint worker) {
        return connect.pluginClasses(worker).contains(CONNECTOR_CLASS);
    }

    /** While the worker restarts its REST API refuses, then answers 404: not listed yet. */
    private boolean listedOrRestarting(KafkaConnectEndpoint worker) {
        try {
            return listed(worker);
        } catch (RuntimeException restarting) {
            return false;
        }
    }

    /** The plugin serves every pipeline of the worker and stays. */
    @Override
    public void remove(PipelineSpec pipeline) {
    }

    /** None: the plugin carries no pipeline's tag, serves every pipeline of the worker and is never removed. */
    @Override
    public List<TaggedResource> discoverTagged(ServiceRecord service) {
        return List.of();
    }
}
