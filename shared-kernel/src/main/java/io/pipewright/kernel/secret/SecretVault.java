package io.pipewright.kernel.secret;

/** Keeps secrets encrypted at rest. Storing joins the caller's transaction, so a refused command stores nothing. */
public interface SecretVault {

    SecretRef store(Secret secret);

    Secret reveal(SecretRef ref);
}
