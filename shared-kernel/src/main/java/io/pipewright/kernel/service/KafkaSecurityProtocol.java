package io.pipewright.kernel.service;

import java.util.Arrays;
import java.util.Optional;

/**
 * How a Kafka client talks to a listener of the cluster, Kafka's own {@code security.protocol} values: plain or TLS,
 * each with or without a SASL login.
 */
public enum KafkaSecurityProtocol {
    PLAINTEXT(false, false),
    SSL(true, false),
    SASL_PLAINTEXT(false, true),
    SASL_SSL(true, true);

    private final boolean tls;
    private final boolean sasl;

    KafkaSecurityProtocol(boolean tls, boolean sasl) {
        this.tls = tls;
        this.sasl = sasl;
    }

    /** The name in requests, views and Kafka's client configuration alike. */
    public String wireName() {
        return name();
    }

    public boolean usesTls() {
        return tls;
    }

    public boolean usesSasl() {
        return sasl;
    }

    public static Optional<KafkaSecurityProtocol> fromWireName(String value) {
        return Arrays.stream(values()).filter(protocol -> protocol.name().equals(value)).findFirst();
    }
}
