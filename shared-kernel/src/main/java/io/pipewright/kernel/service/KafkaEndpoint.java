package io.pipewright.kernel.service;

/**
 * {@code connect} is null when the service has no kafka-connect addon. {@code security}: how the control plane's own
 * Kafka clients reach {@code bootstrapServers}; null (a registration recorded before it existed) is
 * {@link KafkaSecurity#PLAINTEXT}.
 */
public record KafkaEndpoint(String bootstrapServers, KafkaConnectEndpoint connect, KafkaSecurity security) {

    public KafkaEndpoint {
        if (security == null) {
            security = KafkaSecurity.PLAINTEXT;
        }
    }
}
