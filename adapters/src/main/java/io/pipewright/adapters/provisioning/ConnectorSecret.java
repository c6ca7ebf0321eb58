package io.pipewright.adapters.provisioning;

import io.pipewright.kernel.policy.HostPathPolicy;
import io.pipewright.kernel.policy.HostPathRefused;
import io.pipewright.sagas.provisioning.PipelineSpec;
import io.pipewright.sagas.provisioning.StepFailed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.springframework.stereotype.Component;

/**
 * How the connector's password reaches its worker: a file per pipeline in the sink's secrets directory, readable by
 * its owner only, and in the connector config only a reference that Kafka's DirectoryConfigProvider (alias
 * {@value #PROVIDER} on the worker) resolves. The password is never in Connect's config topic or REST API. The
 * directory must be under an allowed host root once its symlinks are resolved ({@link HostPathPolicy}); the file is
 * written under a random name created exclusively and renamed into place, and a link at its name is never followed.
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
            Path file = hostPaths.directory(directory).resolve(pipeline.sourceResourceName());
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || !Files.readString(file).equals(password)) {
                write(file, password);
            }
        } catch (HostPathRefused refused) {
            throw new StepFailed("cannot write the connector's secret file: " + refused.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the connector's secret file in " + directory + ": "
                    + e.getMessage(), e);
        }
        return "${" + PROVIDER + ":" + directory + ":" + pipeline.sourceResourceName() + "}";
    }

    /** Deletes the file, or a link planted at its name (never what the link leads to). */
    void remove(PipelineSpec pipeline) {
        String directory = pipeline.sink().kafka().connect().secretsDirectory();
        try {
            if (Files.isDirectory(Path.of(directory))) {
                Files.deleteIfExists(hostPaths.directory(directory).resolve(pipeline.sourceResourceName()));
            }
        } catch (HostPathRefused refused) {
            throw new StepFailed("cannot delete the connector's secret file: " + refused.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the connector's secret file in " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    /** Created owner-only before the password is in it, and moved into place whole (a link there is replaced). */
    private static void write(Path file, String password) throws IOException {
        Path staged = Files.createTempFile(file.getParent(), ".pipewright", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(staged, password, StandardCharsets.UTF_8);
        Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
