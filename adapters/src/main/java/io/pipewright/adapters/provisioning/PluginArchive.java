package io.pipewright.adapters.provisioning;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** A connector plugin archive (tar.gz with one top directory) installed into a plugin.path directory. */
final class PluginArchive {

    private PluginArchive() {
    }

    /**
     * Extracts into a hidden directory beside the target, then renames its top directory into place, so the worker
     * never sees half a plugin, even if the control plane dies mid-way. Returns the plugin's directory.
     */
    static Path install(Path archive, Path pluginPath) throws IOException {
        Path staging = pluginPath.resolve(".pipewright-staging-" + UUID.randomUUID());
        Files.createDirectories(staging);
        try {
            extract(archive, staging);
            Path top;
            try (Stream<Path> entries = Files.list(staging)) {
                top = entries.filter(Files::isDirectory).findFirst()
                        .orElseThrow(() -> new IOException(archive + " has no top directory"));
            }
            Path target = pluginPath.resolve(top.getFileName());
            if (!Files.exists(target)) {
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
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
