package io.pipewright.adapters.support;

import io.pipewright.kernel.secret.Secret;
import io.pipewright.kernel.secret.SecretRef;
import io.pipewright.kernel.secret.SecretVault;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** A vault for adapter tests, which run without the control plane's database. */
public final class InMemoryVault implements SecretVault {

    private final Map<SecretRef, Secret> secrets = new ConcurrentHashMap<>();

    public SecretRef vaulted(String value) {
        return store(new Secret(value));
    }

    @Override
    public SecretRef store(Secret secret) {
        SecretRef ref = new SecretRef(UUID.randomUUID());
        secrets.put(ref, secret);
        return ref;
    }

    @Override
    public Optional<Secret> find(SecretRef ref) {
        return Optional.ofNullable(secrets.get(ref));
    }

    @Override
    public Secret keepFirst(SecretRef ref, Secret candidate) {
        return secrets.computeIfAbsent(ref, unused -> candidate);
    }

    @Override
    public void forget(SecretRef ref) {
        secrets.remove(ref);
    }

    @Override
    public Secret reveal(SecretRef ref) {
        return find(ref).orElseThrow(() -> new IllegalStateException("no secret " + ref));
    }
}
