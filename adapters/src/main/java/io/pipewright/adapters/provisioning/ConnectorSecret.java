package io.pipewright.adapters.provisioning;

import io.pipewright.kernel.pipeline.ResourceNames;
import io.pipewright.kernel.policy.HostPathPolicy;
import io.pipewright.kernel.policy.HostPathRefused;
import io.pipewright.sagas.orphans.TaggedResource;
import io.pipewright.sagas.provisioning.PipelineResource;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.ServiceRecord;
import io.pipewright.sagas.provisioning.StepFailed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * How the connector's password reaches its worker: a file per pipeline in the sink's secrets directory, readable by
 * its owner only, and in the connector config only a reference that Kafka's DirectoryConfigProvider (alias
 * {@value #PROVIDER} on the worker) resolves. The password is never in Connect's config topic or REST API. The file is
 * written and removed as {@link SecretsDirectoryFile} says, named {@code pipewright_<id>}
 * ({@link ResourceNames#secretFile}). Its state is the reference, never the password.
 */
@Component
class ConnectorSecret implements PipelineResource<String> {

    static final String PROVIDER = "dir";
    static final String KIND = "connector_secret_file";

    private final HostPathPolicy hostPaths;
    private final ConnectorCredentials credentials;

    ConnectorSecret(HostPathPolicy hostPaths, ConnectorCredentials credentials) {
        this.hostPaths = hostPaths;
        this.credentials = credentials;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** The reference {@code database.password} holds. */
    @Override
    public String desired(PipelineSpec pipeline) {
        return reference(pipeline);
    }

    /** The reference {@code database.password} holds, which the worker resolves to the file's content. */
    static String reference(PipelineSpec pipeline) {
        return "${" + PROVIDER + ":" + pipeline.sink().kafka().connect().secretsDirectory() + ":"
                + ResourceNames.secretFile(pipeline.pipelineId()) + "}";
    }

    /** The reference, when there is a file at its name. */
    @Override
    public Optional<String> observe(PipelineSpec pipeline) {
        return file(pipeline).exists() ? Optional.of(desired(pipeline)) : Optional.empty();
    }

    /** The file with the password of the pipeline's role (generated once, kept in the vault); the reference. */
    @Override
    public String converge(PipelineSpec pipeline) {
        return converge(pipeline, credentials.password(pipeline));
    }

    /** Writes the file if it is missing or stale; returns the reference {@code database.password} holds. */
    String converge(PipelineSpec pipeline, String password) {
        String directory = pipeline.sink().kafka().connect().secretsDirectory();
        try {
            file(pipeline).converge(password);
        } catch (HostPathRefused refused) {
            throw new StepFailed("cannot write the connector's secret file: " + refused.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the connector's secret file in " + directory + ": "
                    + e.getMessage(), e);
        }
        return reference(pipeline);
    }

    /** Deletes the file, or a link planted at its name (never what the link leads to). */
    @Override
    public void remove(PipelineSpec pipeline) {
        try {
            file(pipeline).remove();
        } catch (HostPathRefused refused) {
            throw new StepFailed("cannot delete the connector's secret file: " + refused.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the connector's secret file in "
                    + pipeline.sink().kafka().connect().secretsDirectory() + ": " + e.getMessage(), e);
        }
    }

    /**
     * None: the secrets directory is the worker's, read by the control plane only at the paths it writes, and a file
     * left there opens nothing once the sweep has dropped the role it was for.
     */
    @Override
    public List<TaggedResource> discoverTagged(ServiceRecord service) {
        return List.of();
    }

    private SecretsDirectoryFile file(PipelineSpec pipeline) {
        return new SecretsDirectoryFile(hostPaths, pipeline.sink().kafka().connect().secretsDirectory(),
                ResourceNames.secretFile(pipeline.pipelineId()));
    }
}
