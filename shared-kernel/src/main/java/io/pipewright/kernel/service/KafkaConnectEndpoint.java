package io.pipewright.kernel.service;

import io.pipewright.kernel.secret.SecretRef;

/**
 * The kafka-connect addon: its REST URL, how plugins reach its workers ({@code pluginPath} for shared_directory), and
 * the directory its workers resolve connector passwords from with Kafka's DirectoryConfigProvider
 * ({@code secretsDirectory}, required with the addon: a password never goes into a connector config).
 * {@code username} and {@code password} (a reference into the vault): HTTP Basic credentials for its REST API, both or
 * neither; {@code caCertificate}: with an https URL, the PEM of the CA(s) its certificate is verified against
 * (null: the JVM's trusted CAs). All three are null for a registration recorded before they existed: no credentials,
 * as then.
 */
public record KafkaConnectEndpoint(String url, PluginInstallation pluginInstallation, String pluginPath,
                                   String secretsDirectory, String username, SecretRef password,
                                   String caCertificate) {

    public boolean hasCredentials() {
        return username != null && password != null;
    }

    @Override
    public String toString() {
        return "KafkaConnectEndpoint[url=" + url + ", pluginInstallation=" + pluginInstallation + ", username="
                + username + "]";
    }
}
