package io.pipewright.kernel.service;

import io.pipewright.kernel.secret.SecretRef;

/**
 * How the control plane's Kafka clients (the probe, and whatever else reads the cluster) authenticate and encrypt:
 * {@code mechanism}, {@code username} and {@code password} with a SASL protocol only, the password as a reference into
 * the vault; {@code caCertificate}, with a TLS protocol only, the PEM of the CA(s) that signed the brokers'
 * certificates (null: the JVM's trusted CAs). A registration recorded before these settings existed reads back with
 * none of them, as null, and means what it did then: {@link KafkaSecurityProtocol#PLAINTEXT}.
 */
public record KafkaSecurity(KafkaSecurityProtocol protocol, SaslMechanism mechanism, String username,
                            SecretRef password, String caCertificate) {

    public static final KafkaSecurity PLAINTEXT = new KafkaSecurity(KafkaSecurityProtocol.PLAINTEXT, null, null, null,
            null);

    public KafkaSecurity {
        if (protocol == null) {
            protocol = KafkaSecurityProtocol.PLAINTEXT;
        }
    }

    @Override
    public String toString() {
        return "KafkaSecurity[protocol=" + protocol + ", mechanism=" + mechanism + ", username=" + username + "]";
    }
}
