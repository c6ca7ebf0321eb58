package io.pipewright.adapters.provisioning;

import io.pipewright.kernel.pipeline.ResourceNames;
import io.pipewright.kernel.policy.HostPathPolicy;
import io.pipewright.kernel.policy.HostPathRefused;
import io.pipewright.kernel.service.PostgresEndpoint;
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
 * The source's CA certificate where the connector's PostgreSQL driver reads it: for a source registered with a
 * verifying {@code ssl_mode}, a file per pipeline ({@link ResourceNames#caCertificateFile}) in the sink's secrets
 * directory,
 * whose path is the connector's {@code database.sslrootcert}. The certificate itself never enters the connector's
 * config. Not secret, but written and removed as the password file is ({@link SecretsDirectoryFile}); none for the
 * other modes, whose file a delete removes all the same (the source may have been registered differently before).
 */
@Component
class ConnectorCaCertificate implements PipelineResource<String> {

    static final String KIND = "connector_ca_certificate_file";

    private final HostPathPolicy hostPaths;

    ConnectorCaCertificate(HostPathPolicy hostPaths) {
        this.hostPaths = hostPaths;
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** Where the worker reads the certificate; wanted only for a source that verifies its server. */
    @Override
    public String desired(PipelineSpec pipeline) {
        return file(pipeline).path();
    }

    /** The file's path, when there is a file at its name. */
    @Override
    public Optional<String> observe(PipelineSpec pipeline) {
        SecretsDirectoryFile file = file(pipeline);
        return file.exists() ? Optional.of(file.path()) : Optional.empty();
    }

    /** The file's path, or why there is none. */
    @Override
    public String converge(PipelineSpec pipeline) {
        return write(pipeline).orElse("no CA certificate file: ssl_mode "
                + pipeline.source().postgres().sslMode().wireName() + " does not verify the server");
    }

    /** Writes the file if the source verifies its server and it is missing or stale; its path, or empty. */
    Optional<String> write(PipelineSpec pipeline) {
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
    @Override
    public void remove(PipelineSpec pipeline) {
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

    /** None, as for the password's file ({@link ConnectorSecret#discoverTagged}); a certificate is not secret. */
    @Override
    public List<TaggedResource> discoverTagged(ServiceRecord service) {
        return List.of();
    }

    private SecretsDirectoryFile file(PipelineSpec pipeline) {
        return new SecretsDirectoryFile(hostPaths, pipeline.sink().kafka().connect().secretsDirectory(),
                ResourceNames.caCertificateFile(pipeline.pipelineId()));
    }
}
