package io.pipewright.adapters.provisioning;

import io.pipewright.sagas.provisioning.PipelineSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.springframework.stereotype.Component;

/**
 * How the connector's password reaches its worker: a file per pipeline in the sink's secrets directory, readable by
 * its owner only, and in the connector config only a reference that Kafka's DirectoryConfigProvider (alias
 * {@value #PROVIDER} on the worker) resolves. The password is never in Connect's config topic or REST API.
 */
@Component
class ConnectorSecret {

    static final String PROVIDER = "dir";

    /** Writes the file if it is missing or stale; returns the reference {@code database.password} holds. */
    String converge(PipelineSpec pipeline, String password) {
        Path file = file(pipeline);
        try {
            if (!Files.exists(file) || !Files.readString(file).equals(password)) {
                write(file, password);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the connector's secret file in " + file.getParent() + ": "
                    + e.getMessage(), e);
        }
        return "${" + PROVIDER + ":" + file.getParent() + ":" + file.getFileName() + "}";
    }

    void remove(PipelineSpec pipeline) {
        Path file = file(pipeline);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete the connector's secret file " + file + ": "
                    + e.getMessage(), e);
        }
    }

    private static Path file(PipelineSpec pipeline) {
        return Path.of(pipeline.sink().kafka().connect().secretsDirectory()).resolve(pipeline.sourceResourceName());
    }

    /** Created owner-only before the password is in it, and moved into place whole. */
    private static void write(Path file, String password) throws IOException {
        Files.createDirectories(file.getParent());
        Path staged = Files.createTempFile(file.getParent(), ".pipewright", ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(staged, password, StandardCharsets.UTF_8);
        Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
