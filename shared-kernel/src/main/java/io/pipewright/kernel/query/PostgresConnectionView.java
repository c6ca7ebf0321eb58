package io.pipewright.kernel.query;

import java.util.List;

public record PostgresConnectionView(List<NodeView> hosts, String adminDatabase, String adminUser,
                                     String hbaManagement) {

    public record NodeView(String host, int port, String role) {
    }
}
