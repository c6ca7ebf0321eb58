package io.pipewright.kernel.service;

import io.pipewright.kernel.secret.SecretRef;
import java.util.List;

/** How the control plane reaches a PostgreSQL service as its admin. The password stays in the vault. */
public record PostgresEndpoint(List<PostgresNode> nodes, String adminDatabase, String adminUser,
                               SecretRef adminPassword, HbaManagement hbaManagement) {

    public PostgresEndpoint {
        nodes = List.copyOf(nodes);
    }
}
