package io.pipewright.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.UUID;

/**
 * The bootstrap admin and organization the control plane is configured with, and the key its secret vault encrypts
 * with. Generated on a clean start and kept with the data, so that {@code --keep-data} comes back with the same
 * credentials and can still decrypt the secrets it stored. The file holds the admin password and the vault key: it is
 * readable by its owner only from its first byte on (an older, wider file is narrowed when read).
 */
record BootstrapIdentity(String username, String password, UUID organizationId, String secretsKey) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    static BootstrapIdentity loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
                return JSON.readValue(file.toFile(), BootstrapIdentity.class);
            }
            BootstrapIdentity identity = new BootstrapIdentity("admin", randomText(18), UUID.randomUUID(),
                    Base64.getEncoder().encodeToString(randomBytes(32)));
            Files.createDirectories(file.getParent());
            writeOwnerOnly(file, identity);
            return identity;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    private static void writeOwnerOnly(Path file, BootstrapIdentity identity) throws IOException {
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        Files.createFile(partial, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        JSON.writeValue(partial.toFile(), identity);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE);
    }

    private static String randomText(int bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(bytes));
    }

    private static byte[] randomBytes(int count) {
        byte[] bytes = new byte[count];
        new SecureRandom().nextBytes(bytes);
        return bytes;
    }
}
