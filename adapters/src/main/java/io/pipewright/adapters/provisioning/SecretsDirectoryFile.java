package io.pipewright.adapters.provisioning;

import io.pipewright.kernel.policy.HostPathPolicy;
import io.pipewright.kernel.policy.HostPathRefused;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A file the control plane keeps for a connector in its sink's secrets directory, which the worker reads: written only
 * under an allowed host root once the directory's symlinks are resolved ({@link HostPathPolicy}), owner-only from its
 * first byte, under a random name created exclusively and moved into place whole, so a link planted at its name is
 * replaced and never followed; removed the same way (the link itself, never what it leads to).
 */
final class SecretsDirectoryFile {

    private final HostPathPolicy hostPaths;
    private final String directory;
    private final String name;

    SecretsDirectoryFile(HostPathPolicy hostPaths, String directory, String name) {
        this.hostPaths = hostPaths;
        this.directory = directory;
        this.name = name;
    }

    /** The path the worker reads, as the registration names the directory. */
    String path() {
        return Path.of(directory).resolve(name).toString();
    }

    /** Whether something (a file, or a link planted at its name) is at its name; never followed. */
    boolean exists() {
        return Files.exists(Path.of(directory).resolve(name), LinkOption.NOFOLLOW_LINKS);
    }

    /** Writes {@code content} unless the file already holds it. */
    void converge(String content) throws HostPathRefused, IOException {
        Path file = hostPaths.directory(directory).resolve(name);
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || !Files.readString(file).equals(content)) {
            Path staged = Files.createTempFile(file.getParent(), ".pipewright", ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(staged, content, StandardCharsets.UTF_8);
            Files.move(staged, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Deletes the file, or a link planted at its name; nothing when the directory is gone. */
    void remove() throws HostPathRefused, IOException {
        if (Files.isDirectory(Path.of(directory))) {
            Files.deleteIfExists(hostPaths.directory(directory).resolve(name));
        }
    }
}
