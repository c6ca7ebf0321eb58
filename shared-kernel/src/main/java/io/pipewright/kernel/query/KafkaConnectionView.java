package io.pipewright.kernel.query;

/**
 * How a Kafka service is reached, without its passwords. {@code securityProtocol} of a view projected before it
 * existed is null and reads as PLAINTEXT, what such a service is; {@code saslMechanism} and {@code username} are set
 * with a SASL protocol, {@code caCertificate} (PEM) when one was registered.
 */
public record KafkaConnectionView(String bootstrapServers, KafkaConnectView kafkaConnect, String securityProtocol,
                                  String saslMechanism, String username, String caCertificate) {

    public KafkaConnectionView {
        if (securityProtocol == null) {
            securityProtocol = "PLAINTEXT";
        }
    }

    /** Null when the service has no kafka-connect addon; {@code username} and {@code caCertificate} when registered. */
    public record KafkaConnectView(String url, String pluginInstallation, String pluginPath, String secretsDirectory,
                                   String username, String caCertificate) {
    }
}
