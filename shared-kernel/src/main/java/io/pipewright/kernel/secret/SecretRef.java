package io.pipewright.kernel.secret;

import java.util.Objects;
import java.util.UUID;

/** Points at a secret kept encrypted by the control plane; events and views carry this, never the secret. */
public record SecretRef(UUID id) {

    public SecretRef {
        Objects.requireNonNull(id, "id");
    }
}
