package io.pipewright.kernel.query;

public record KafkaConnectionView(String bootstrapServers, KafkaConnectView kafkaConnect) {

    /** Null when the service has no kafka-connect addon. */
    public record KafkaConnectView(String url, String pluginInstallation, String pluginPath, String secretsDirectory) {
    }
}
