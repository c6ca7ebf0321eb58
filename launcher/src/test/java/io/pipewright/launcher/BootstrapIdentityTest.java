package io.pipewright.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bootstrap.json holds the admin password and the vault key: only its owner may read it. */
class BootstrapIdentityTest {

    @TempDir
    Path directory;

    @Test
    void aNewFileIsOwnerOnlyAndReadsBackTheSameIdentity() throws Exception {
        Path file = directory.resolve("data").resolve("bootstrap.json");

        BootstrapIdentity created = BootstrapIdentity.loadOrCreate(file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.list(file.getParent())).containsExactly(file);
        assertThat(BootstrapIdentity.loadOrCreate(file)).isEqualTo(created);
    }

    @Test
    void aWorldReadableFileOfAnOlderVersionIsNarrowedWhenRead() throws Exception {
        Path file = directory.resolve("bootstrap.json");
        BootstrapIdentity created = BootstrapIdentity.loadOrCreate(file);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

        assertThat(BootstrapIdentity.loadOrCreate(file)).isEqualTo(created);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
    }
}
