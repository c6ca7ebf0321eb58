package io.pipewright.adapters.provisioning;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/**
 * A connector plugin archive (tar.gz with one top directory) installed into a plugin.path directory. Only directories
 * and regular files are extracted, each created anew inside a fresh owner-only staging directory with a random name;
 * an entry that would land outside it, or a link entry, refuses the archive.
 */
final class PluginArchive {

    private PluginArchive() {
    }

    /**
     * Extracts into a hidden directory beside the target, then renames its top directory into place, so the worker
     * never sees half a plugin, even if the control plane dies mid-way. Returns the plugin's directory.
     */
    static Path install(Path archive, Path pluginPath) throws IOException {
        Path staging = Files.createTempDirectory(pluginPath, ".pipewright-staging-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        try {
            extract(archive, staging);
            Path top;
            try (Stream<Path> entries = Files.list(staging)) {
                top = entries.filter(Files::isDirectory).findFirst()
                        .orElseThrow(() -> new IOException(archive + " has no top directory"));
            }
            Path target = pluginPath.resolve(top.getFileName());
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(top, target, StandardCopyOption.ATOMIC_MOVE);
            }
            return target;
        } finally {
            deleteTree(staging);
        }
    }

    private static void extract(Path archive, Path into) throws IOException {
        try (InputStream file = new BufferedInputStream(Files.newInputStream(archive));
             TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("archive entry " + entry.getName() + " escapes the plugin directory");
                }
                if (entry.isSymbolicLink() || entry.isLink()) {
                    throw new IOException("archive entry " + entry.getName() + " is a link; links are not extracted");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
