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
 * The bootstrap admin and organization the control plane is configured with. Generated on a clean start and kept with
 * the data, so that {@code --keep-data} comes back with the same credentials.
 */
record BootstrapIdentity(String username, String password, UUID organizationId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    static BootstrapIdentity loadOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                return JSON.readValue(file.toFile(), BootstrapIdentity.class);
            }
            BootstrapIdentity identity = new BootstrapIdentity("admin", randomPassword(), UUID.randomUUID());
            Files.createDirectories(file.getParent());
            JSON.writeValue(file.toFile(), identity);
            return identity;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
