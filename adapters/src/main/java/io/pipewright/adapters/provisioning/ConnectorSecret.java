package io.pipewright.adapters.provisioning;

import io.pipewright.kernel.policy.HostPathPolicy;
import io.pipewright.kernel.policy.HostPathRefused;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.StepFailed;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.springframework.stereotype.Component;

/**
 * How the connector's password reaches its worker: a file per pipeline in the sink's secrets directory, readable by
 * its owner only, and in the connector config only a reference that Kafka's DirectoryConfigProvider (alias
 * {@value #PROVIDER} on the worker) resolves. The password is never in Connect's config topic or REST API. The file is
 * written and removed as {@link SecretsDirectoryFile} says.
 */
@Component
class ConnectorSecret {

    static final String PROVIDER = "dir";

    private final HostPathPolicy hostPaths;

    ConnectorSecret(HostPathPolicy hostPaths) {
        this.hostPaths = hostPaths;
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

    /** The reference {@code database.password} holds, which the worker resolves to the file's content. */
    static String reference(PipelineSpec pipeline) {
        return "${" + PROVIDER + ":" + pipeline.sink().kafka().connect().secretsDirectory() + ":"
                + pipeline.sourceResourceName() + "}";
    }

    /** Deletes the file, or a link planted at its name (never what the link leads to). */
    void remove(PipelineSpec pipeline) {
        try {
            file(pipeline).remove();
        } catch (HostPathRefused refused) {
            throw new StepFailed("cannot delete the connector's secret file: " + refused.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the connector's secret file in "
                    + pipeline.sink().kafka().connect().secretsDirectory() + ": " + e.getMessage(), e);
        }
    }

    private SecretsDirectoryFile file(PipelineSpec pipeline) {
        return new SecretsDirectoryFile(hostPaths, pipeline.sink().kafka().connect().secretsDirectory(),
                pipeline.sourceResourceName());
    }
}
