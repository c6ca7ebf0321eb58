package io.pipewright.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;

/**
 * The bootstrap admin and organization the control plane is configured with, and the key its secret vault encrypts
 * with. Generated on a clean start and kept with the data, so that {@code --keep-data} comes back with the same
 * credentials and can still decrypt the secrets it stored.
 */
record BootstrapIdentity(String username, String password, UUID organizationId, String secretsKey) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static BootstrapIdentity loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                return JSON.readValue(file.toFile(), BootstrapIdentity.class);
            }
            BootstrapIdentity identity = new BootstrapIdentity("admin", randomText(18), UUID.randomUUID(),
                    Base64.getEncoder().encodeToString(randomBytes(32)));
            Files.createDirectories(file.getParent());
            JSON.writeValue(file.toFile(), identity);
            return identity;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
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
