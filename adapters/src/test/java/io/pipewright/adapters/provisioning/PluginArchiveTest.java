package io.pipewright.adapters.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin archive lands inside the plugin directory as directories and regular files only. */
class PluginArchiveTest {

    @TempDir
    Path temp;

    @Test
    void aPluginIsExtractedWholeAndNoStagingIsLeft() throws Exception {
        Path pluginPath = Files.createDirectories(temp.resolve("plugins"));
        Path archive = archive(tar -> {
            directory(tar, "connector/");
            file(tar, "connector/connector.jar", "jar bytes");
        });

        Path installed = PluginArchive.install(archive, pluginPath);

        assertThat(installed).isEqualTo(pluginPath.resolve("connector"));
        assertThat(Files.readString(installed.resolve("connector.jar"))).isEqualTo("jar bytes");
        assertThat(children(pluginPath)).containsExactly("connector");
    }

    @Test
    void anArchiveWithALinkEntryIsRefusedAndLeavesNothing() throws Exception {
        Path pluginPath = Files.createDirectories(temp.resolve("plugins"));
        Path archive = archive(tar -> {
            directory(tar, "connector/");
            TarArchiveEntry link = new TarArchiveEntry("connector/passwd", TarArchiveEntry.LF_SYMLINK);
            link.setLinkName("/etc/passwd");
            tar.putArchiveEntry(link);
            tar.closeArchiveEntry();
            file(tar, "connector/connector.jar", "jar bytes");
        });

        assertThatThrownBy(() -> PluginArchive.install(archive, pluginPath)).isInstanceOf(IOException.class)
                .hasMessageContaining("is a link");
        assertThat(children(pluginPath)).isEmpty();
    }

    @Test
    void anEntryLeavingThePluginDirectoryIsRefused() throws Exception {
        Path pluginPath = Files.createDirectories(temp.resolve("plugins"));
        Path archive = archive(tar -> file(tar, "connector/../../escaped", "x"));

        assertThatThrownBy(() -> PluginArchive.install(archive, pluginPath)).isInstanceOf(IOException.class)
                .hasMessageContaining("escapes the plugin directory");
        assertThat(temp.resolve("escaped")).doesNotExist();
        assertThat(children(pluginPath)).isEmpty();
    }

    private interface Entries {
        void write(TarArchiveOutputStream tar) throws IOException;
    }

    private Path archive(Entries entries) throws IOException {
        Path archive = temp.resolve("plugin.tar.gz");
        try (OutputStream file = Files.newOutputStream(archive);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(new GzipCompressorOutputStream(file))) {
            entries.write(tar);
        }
        return archive;
    }

    private static void directory(TarArchiveOutputStream tar, String name) throws IOException {
        tar.putArchiveEntry(new TarArchiveEntry(name));
        tar.closeArchiveEntry();
    }

    private static void file(TarArchiveOutputStream tar, String name, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(bytes.length);
        tar.putArchiveEntry(entry);
        tar.write(bytes);
        tar.closeArchiveEntry();
    }

    private static java.util.List<String> children(Path directory) throws IOException {
        try (Stream<Path> children = Files.list(directory)) {
            return children.map(child -> child.getFileName().toString()).toList();
        }
    }
}
