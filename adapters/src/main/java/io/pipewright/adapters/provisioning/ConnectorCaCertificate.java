package io.pipewright.adapters.provisioning;

import io.pipewright.kernel.policy.HostPathPolicy;
import io.pipewright.kernel.policy.HostPathRefused;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.StepFailed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The source's CA certificate where the connector's PostgreSQL driver reads it: for a source registered with a
 * verifying {@code ssl_mode}, a file per pipeline ({@code pipewright_<id>.ca.crt}) in the sink's secrets directory,
 * whose path is the connector's {@code database.sslrootcert}. The certificate itself never enters the connector's
 * config. Not secret, but written and removed as the password file is ({@link SecretsDirectoryFile}); none for the
 * other modes, whose file a delete removes all the same (the source may have been registered differently before).
 */
@Component
class ConnectorCaCertificate {

    static final String SUFFIX = ".ca.crt";

    private final HostPathPolicy hostPaths;

    ConnectorCaCertificate(HostPathPolicy hostPaths) {
        this.hostPaths = hostPaths;
    }

    /** Writes the file if the source verifies its server and it is missing or stale; its path, or empty. */
    Optional<String> converge(PipelineSpec pipeline) {
        PostgresEndpoint source = pipeline.source().postgres();
        if (!source.sslMode().verifiesCertificate()) {
            return Optional.empty();
        }
        SecretsDirectoryFile file = file(pipeline);
        try {
            file.converge(source.caCertificate());
        } catch (HostPathRefused refused) {
            throw new StepFailed("cannot write the source's CA certificate for the connector: " + refused.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the source's CA certificate in "
                    + pipeline.sink().kafka().connect().secretsDirectory() + ": " + e.getMessage(), e);
        }
        return Optional.of(file.path());
    }

    /** Deletes the file, or a link planted at its name (never what the link leads to). */
    void remove(PipelineSpec pipeline) {
        try {
            file(pipeline).remove();
        } catch (HostPathRefused refused) {
            throw new StepFailed("cannot delete the source's CA certificate file: " + refused.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the source's CA certificate file in "
                    + pipeline.sink().kafka().connect().secretsDirectory() + ": " + e.getMessage(), e);
        }
    }

    /** Where the worker reads the CA certificate, for a source that verifies its server; touches nothing. */
    Optional<String> path(PipelineSpec pipeline) {
        return pipeline.source().postgres().sslMode().verifiesCertificate() ? Optional.of(file(pipeline).path())
                : Optional.empty();
    }

    private SecretsDirectoryFile file(PipelineSpec pipeline) {
        return new SecretsDirectoryFile(hostPaths, pipeline.sink().kafka().connect().secretsDirectory(),
                pipeline.sourceResourceName() + SUFFIX);
    }
}
