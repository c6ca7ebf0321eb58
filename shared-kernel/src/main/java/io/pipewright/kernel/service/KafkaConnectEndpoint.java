package io.pipewright.kernel.service;

/**
 * The kafka-connect addon: its REST URL, how plugins reach its workers ({@code pluginPath} for shared_directory), and
 * the directory its workers resolve secrets from with Kafka's DirectoryConfigProvider ({@code secretsDirectory}; null:
 * passwords are written into connector configs).
 */
public record KafkaConnectEndpoint(String url, PluginInstallation pluginInstallation, String pluginPath,
                                   String secretsDirectory) {
}
