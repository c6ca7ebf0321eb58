package io.pipewright.kernel.service;

/** {@code connect} is null when the service has no kafka-connect addon. */
public record KafkaEndpoint(String bootstrapServers, KafkaConnectEndpoint connect) {
}
