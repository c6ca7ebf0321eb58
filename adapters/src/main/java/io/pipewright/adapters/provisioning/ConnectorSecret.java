package io.pipewright.adapters.provisioning;

import io.pipewright.sagas.provisioning.PipelineSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * How the connector's password reaches its worker. With a secrets directory on the sink, a file per pipeline there,
 * readable by its owner only, and in the connector config only a reference that Kafka's DirectoryConfigProvider
 * (alias {@value #PROVIDER} on the worker) resolves: the password is never in Connect's config topic or REST API.
 * Without one, the password itself goes into the config.
 */
@Component
class ConnectorSecret {

    static final String PROVIDER = "dir";

    /** What {@code database.password} holds in the connector config: the reference, or the password itself. */
    String converge(PipelineSpec pipeline, String password) {
        Optional<Path> file = file(pipeline);
        if (file.isEmpty()) {
            return password;
        }
        try {
            if (!Files.exists(file.get()) || !Files.readString(file.get()).equals(password)) {
                write(file.get(), password);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the connector's secret file in "
                    + file.get().getParent() + ": " + e.getMessage(), e);
        }
        return "${" + PROVIDER + ":" + file.get().getParent() + ":" + file.get().getFileName() + "}";
    }

    void remove(PipelineSpec pipeline) {
        file(pipeline).ifPresent(file -> {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the connector's secret file " + file + ": "
                        + e.getMessage(), e);
            }
        });
    }

    private static Optional<Path> file(PipelineSpec pipeline) {
        return Optional.ofNullable(pipeline.sink().kafka().connect().secretsDirectory())
                .map(directory -> Path.of(directory).resolve(pipeline.sourceResourceName()));
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
