package io.pipewright.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;

/**
 * An online copy of a running primary's data directory for a new standby, taken with the non-exclusive low-level backup
 * API (there is no pg_basebackup among the binaries): pg_backup_start and pg_backup_stop in one session, the backup_label
 * that pg_backup_stop returns written into the copy. Skips what pg_basebackup skips.
 */
final class StandbyCopy {

    private static final System.Logger LOG = System.getLogger(StandbyCopy.class.getName());
    private static final Set<String> SKIPPED_FILES = Set.of(
            "postmaster.pid", "postmaster.opts", "backup_label", "tablespace_map", "standby.signal", "recovery.signal");
    private static final Set<String> DIRECTORIES_COPIED_EMPTY = Set.of(
            "pg_replslot", "pg_stat_tmp", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans");
    private static final String WAL_DIRECTORY = "pg_wal";

    private StandbyCopy() {
    }

    /** Copies {@code primary} into {@code target} for a standby that will replicate through {@code slotName}. */
    static void copy(PostgresServer primary, String slotName, Path target) {
        if (Files.exists(target)) {
            throw new IllegalArgumentException("the standby data directory must not exist yet: " + target);
        }
        try (Connection session = primary.connect("postgres")) {
            // Reserved now, the slot keeps every WAL segment from before the backup starts until the standby streams it.
            run(session, "SELECT pg_create_physical_replication_slot(?, true)", slotName);
            run(session, "SELECT pg_backup_start(?, true)", "pipewright standby " + slotName);
            copyDataDirectory(primary.dataDirectory(), target);
            // The standby streams the WAL from its slot: there is no archive to wait for.
            try (PreparedStatement stop = session.prepareStatement("SELECT labelfile, spcmapfile FROM pg_backup_stop(false)");
                 ResultSet result = stop.executeQuery()) {
                result.next();
                Files.writeString(target.resolve("backup_label"), result.getString("labelfile"));
                String tablespaceMap = result.getString("spcmapfile");
                if (tablespaceMap != null && !tablespaceMap.isEmpty()) {
                    Files.writeString(target.resolve("tablespace_map"), tablespaceMap);
                }
            }
            Files.createFile(target.resolve("standby.signal"));
        } catch (SQLException e) {
            dropSlotQuietly(primary, slotName);
            throw new IllegalStateException(primary.name() + ": online backup for a standby failed", e);
        } catch (IOException e) {
            dropSlotQuietly(primary, slotName);
            throw new UncheckedIOException("cannot copy " + primary.dataDirectory() + " to " + target, e);
        }
    }

    // A slot left behind would make the primary keep its WAL forever.
    private static void dropSlotQuietly(PostgresServer primary, String slotName) {
        try (Connection connection = primary.connect("postgres")) {
            run(connection, "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?", slotName);
        } catch (SQLException e) {
            LOG.log(System.Logger.Level.WARNING, primary.name() + ": could not drop replication slot " + slotName, e);
        }
    }

    private static void run(Connection session, String sql, String parameter) throws SQLException {
        try (PreparedStatement statement = session.prepareStatement(sql)) {
            statement.setString(1, parameter);
            statement.executeQuery().close();
        }
    }

    private static void copyDataDirectory(Path source, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Files.walkFileTree(source, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path directory, BasicFileAttributes attributes) throws IOException {
                Path relative = source.relativize(directory);
                Files.copy(directory, target.resolve(relative.toString()), StandardCopyOption.COPY_ATTRIBUTES,
                        LinkOption.NOFOLLOW_LINKS);
                return relative.getNameCount() == 1 && DIRECTORIES_COPIED_EMPTY.contains(relative.toString())
                        ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                Path relative = source.relativize(file);
                boolean skipped = relative.startsWith(WAL_DIRECTORY)
                        || (relative.getNameCount() == 1 && SKIPPED_FILES.contains(relative.toString()))
                        || relative.getFileName().toString().equals("pg_internal.init");
                if (!skipped) {
                    try {
                        Files.copy(file, target.resolve(relative.toString()), StandardCopyOption.COPY_ATTRIBUTES,
                                LinkOption.NOFOLLOW_LINKS);
                    } catch (NoSuchFileException e) {
                        // removed by the running primary while copying; WAL replay recreates what matters
                    }
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
                if (failure instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw failure;
            }
        });
    }
}
