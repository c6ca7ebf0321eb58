package io.pipewright.kernel.service;

/** The kafka-connect addon: its REST URL and how plugins reach its workers ({@code pluginPath} for shared_directory). */
public record KafkaConnectEndpoint(String url, PluginInstallation pluginInstallation, String pluginPath) {
}
