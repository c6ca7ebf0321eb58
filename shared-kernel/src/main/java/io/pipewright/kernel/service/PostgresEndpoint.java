package io.pipewright.kernel.service;

import io.pipewright.kernel.secret.SecretRef;
import java.util.List;

/**
 * How the control plane reaches a PostgreSQL service as its admin. The password stays in the vault. {@code sslMode}
 * and {@code caCertificate} (PEM, set exactly for the verifying modes, see {@link CaCertificates}) secure every
 * connection to it, the connector's too. An endpoint recorded before they existed (an older
 * {@code ManagedServiceRegistered}, a saga's stored state) reads back without them, as null, and means what its
 * connections have done since, {@link SslMode#PREFER}; a new registration that does not ask gets
 * {@link SslMode#REQUIRE} from the request.
 */
public record PostgresEndpoint(List<PostgresNode> nodes, String adminDatabase, String adminUser,
                               SecretRef adminPassword, HbaManagement hbaManagement, SslMode sslMode,
                               String caCertificate) {

    public PostgresEndpoint {
        nodes = List.copyOf(nodes);
        if (sslMode == null) {
            sslMode = SslMode.PREFER;
        }
    }
}
