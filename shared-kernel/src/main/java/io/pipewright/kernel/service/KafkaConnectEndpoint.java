package io.pipewright.kernel.service;

/**
 * The kafka-connect addon: its REST URL, how plugins reach its workers ({@code pluginPath} for shared_directory), and
 * the directory its workers resolve connector passwords from with Kafka's DirectoryConfigProvider
 * ({@code secretsDirectory}, required with the addon: a password never goes into a connector config).
 */
public record KafkaConnectEndpoint(String url, PluginInstallation pluginInstallation, String pluginPath,
                                   String secretsDirectory) {
}
