package io.pipewright.kernel.service;

import java.util.Arrays;
import java.util.Optional;

/** The SASL mechanisms a Kafka service may ask its clients to log in with; names as Kafka's {@code sasl.mechanism}. */
public enum SaslMechanism {
    SCRAM_SHA_256("SCRAM-SHA-256"),
    SCRAM_SHA_512("SCRAM-SHA-512"),
    PLAIN("PLAIN");

    private final String wireName;

    SaslMechanism(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public boolean isScram() {
        return this != PLAIN;
    }

    public static Optional<SaslMechanism> fromWireName(String value) {
        return Arrays.stream(values()).filter(mechanism -> mechanism.wireName.equals(value)).findFirst();
    }
}
