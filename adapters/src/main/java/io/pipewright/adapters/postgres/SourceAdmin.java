package io.pipewright.adapters.postgres;

import io.pipewright.kernel.secret.SecretVault;
import io.pipewright.kernel.service.NodeRole;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import org.springframework.stereotype.Component;

/** Opens admin connections to a source's nodes with the password from the vault. */
@Component
public class SourceAdmin {

    /** SQLSTATE of a connection to a database that does not exist (nothing of a pipeline can be in it). */
    public static final String UNKNOWN_DATABASE = "3D000";

    private final SecretVault vault;

    public SourceAdmin(SecretVault vault) {
        this.vault = vault;
    }

    public static PostgresNode primary(PostgresEndpoint endpoint) {
        return endpoint.nodes().stream().filter(node -> node.role() == NodeRole.PRIMARY).findFirst().orElseThrow();
    }

    public Connection connect(PostgresEndpoint endpoint, PostgresNode node, String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", endpoint.adminUser());
        properties.setProperty("password", vault.reveal(endpoint.adminPassword()).value());
        properties.setProperty("connectTimeout", "10");
        properties.setProperty("socketTimeout", "60");
        properties.setProperty("ApplicationName", "pipewright");
        return DriverManager.getConnection("jdbc:postgresql://" + node.host() + ":" + node.port() + "/" + database,
                properties);
    }

    /** An identifier as PostgreSQL quotes it, so names from users reach SQL only this way. */
    public static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /** {@code schema.table} with both parts quoted. */
    public static String quoteTable(String qualified) {
        int dot = qualified.indexOf('.');
        return quote(qualified.substring(0, dot)) + "." + quote(qualified.substring(dot + 1));
    }
}
