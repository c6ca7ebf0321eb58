package io.pipewright.kernel.secret;

import java.util.Optional;

/** Keeps secrets encrypted at rest. Writes join the caller's transaction, so a refused command stores nothing. */
public interface SecretVault {

    SecretRef store(Secret secret);

    Secret reveal(SecretRef ref);

    Optional<Secret> find(SecretRef ref);

    /**
     * Stores the secret under a reference the caller chose (e.g. derived from a pipeline id), unless one is already
     * there; returns the secret kept. A step that generates a password can so run again and get the same one.
     */
    Secret keepFirst(SecretRef ref, Secret candidate);

    /** Erases the secret, when what it opened is gone (a deleted pipeline's role); nothing if there is none. */
    void forget(SecretRef ref);
}
