package io.pipewright.adapters.provisioning;

import io.pipewright.kernel.secret.Secret;
import io.pipewright.kernel.secret.SecretRef;
import io.pipewright.kernel.secret.SecretVault;
import io.pipewright.sagas.provisioning.PipelineSpec;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * The password of a pipeline's replication role: generated once, kept in the vault under an id derived from the
 * pipeline's, so a step run again after a crash finds the same password instead of making a second one.
 */
@Component
public class ConnectorCredentials {

    private final SecretVault vault;
    private final SecureRandom random = new SecureRandom();

    public ConnectorCredentials(SecretVault vault) {
        this.vault = vault;
    }

    String password(PipelineSpec pipeline) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        Secret candidate = new Secret(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
        return vault.keepFirst(ref(pipeline), candidate).value();
    }

    /** Once the role is dropped its password opens nothing: it is erased, not kept as a leak waiting to happen. */
    void forget(PipelineSpec pipeline) {
        forget(pipeline.pipelineId());
    }

    /** As {@link #forget(PipelineSpec)}, for a role the orphan removal dropped after its pipeline was gone. */
    void forget(UUID pipelineId) {
        vault.forget(ref(pipelineId));
    }

    /** The password of a pipeline's role, if one was generated: what an observer masks in the connector's traces. */
    public Optional<String> existing(UUID pipelineId) {
        return vault.find(ref(pipelineId)).map(Secret::value);
    }

    static SecretRef ref(PipelineSpec pipeline) {
        return ref(pipeline.pipelineId());
    }

    private static SecretRef ref(UUID pipelineId) {
        return new SecretRef(UUID.nameUUIDFromBytes(("connector-password " + pipelineId)
                .getBytes(StandardCharsets.UTF_8)));
    }
}
