package io.pipewright.kernel.query;

import java.util.List;

/**
 * A PostgreSQL service's connection details as its view shows them: never a password, and of the CA certificate only
 * each certificate's SHA-256 fingerprint ({@code caCertificateSha256}, null without one), so lists stay small.
 */
public record PostgresConnectionView(List<NodeView> hosts, String adminDatabase, String adminUser,
                                     String hbaManagement, String sslMode, List<String> caCertificateSha256) {

    public record NodeView(String host, int port, String role) {
    }
}
