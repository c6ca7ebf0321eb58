package io.pipewright.command.service;

import io.pipewright.command.web.Violations;
import io.pipewright.kernel.service.KafkaSecurity;
import io.pipewright.kernel.service.KafkaSecurityProtocol;
import io.pipewright.kernel.service.SaslMechanism;
import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The rules for how the control plane logs in to a Kafka service and its Kafka Connect REST API: a SASL protocol
 * needs a mechanism, a username and a password, the others carry none; a CA certificate goes with TLS only (an SSL
 * protocol, an https Connect URL). Names and passwords are printable text without control characters, as they end
 * up quoted in a JAAS line or an Authorization header.
 */
final class KafkaAccessRules {

    static final int MAX_USERNAME = 256;
    static final int MAX_PASSWORD = 1024;

    private static final Pattern PRINTABLE = Pattern.compile("[^\\p{Cntrl}]+");
    private static final String PROTOCOLS = String.join(", ", Arrays.stream(KafkaSecurityProtocol.values())
            .map(KafkaSecurityProtocol::wireName).toList());
    private static final String MECHANISMS = String.join(", ", Arrays.stream(SaslMechanism.values())
            .map(SaslMechanism::wireName).toList());

    private KafkaAccessRules() {
    }

    /**
     * The security of {@code kafka.*} (password left to the vault: null here), or null when it breaks a rule; absent
     * settings mean PLAINTEXT, as for every registration before they existed.
     */
    static KafkaSecurity security(Violations violations, RegisterServiceRequest.Kafka kafka) {
        KafkaSecurityProtocol protocol = kafka.securityProtocol() == null ? KafkaSecurityProtocol.PLAINTEXT
                : KafkaSecurityProtocol.fromWireName(kafka.securityProtocol()).orElse(null);
        if (!violations.check("kafka.security_protocol", protocol != null, "must be one of " + PROTOCOLS)) {
            return null;
        }
        boolean valid = true;
        SaslMechanism mechanism = null;
        if (protocol.usesSasl()) {
            if (violations.required("kafka.sasl_mechanism", kafka.saslMechanism())) {
                mechanism = SaslMechanism.fromWireName(kafka.saslMechanism()).orElse(null);
                valid &= violations.check("kafka.sasl_mechanism", mechanism != null, "must be one of " + MECHANISMS);
            } else {
                valid = false;
            }
            valid &= text(violations, "kafka.username", kafka.username(), MAX_USERNAME);
            valid &= text(violations, "kafka.password", kafka.password(), MAX_PASSWORD);
        } else {
            String without = "is only used with SASL_PLAINTEXT or SASL_SSL, not " + protocol.wireName();
            valid &= violations.check("kafka.sasl_mechanism", kafka.saslMechanism() == null, without);
            valid &= violations.check("kafka.username", kafka.username() == null, without);
            valid &= violations.check("kafka.password", kafka.password() == null, without);
        }
        String ca = null;
        if (kafka.caCertificate() != null) {
            if (violations.check("kafka.ca_certificate", protocol.usesTls(),
                    "is only used with SSL or SASL_SSL, not " + protocol.wireName())) {
                ca = certificate(violations, "kafka.ca_certificate", kafka.caCertificate());
                valid &= ca != null;
            } else {
                valid = false;
            }
        }
        return valid ? new KafkaSecurity(protocol, mechanism, kafka.username(), null, ca) : null;
    }

    /** Basic credentials of a Connect REST API: both or neither. */
    static boolean connectCredentials(Violations violations, RegisterServiceRequest.KafkaConnect connect) {
        boolean valid = violations.check("kafka.kafka_connect.password",
                connect.password() == null || connect.username() != null, "needs kafka.kafka_connect.username");
        valid &= violations.check("kafka.kafka_connect.username",
                connect.username() == null || connect.password() != null, "needs kafka.kafka_connect.password");
        if (connect.username() != null) {
            valid &= text(violations, "kafka.kafka_connect.username", connect.username(), MAX_USERNAME)
                    && violations.check("kafka.kafka_connect.username", !connect.username().contains(":"),
                    "must not contain ':' (HTTP Basic authentication)");
        }
        if (connect.password() != null) {
            valid &= text(violations, "kafka.kafka_connect.password", connect.password(), MAX_PASSWORD);
        }
        return valid;
    }

    /** The CA of an https Connect URL, canonical; null when there is none or it breaks a rule. */
    static String connectCertificate(Violations violations, RegisterServiceRequest.KafkaConnect connect,
                                     boolean https) {
        if (connect.caCertificate() == null) {
            return null;
        }
        if (!violations.check("kafka.kafka_connect.ca_certificate", https, "is only used with an https url")) {
            return null;
        }
        return certificate(violations, "kafka.kafka_connect.ca_certificate", connect.caCertificate());
    }

    private static String certificate(Violations violations, String field, String pem) {
        try {
            return X509Pem.canonical(pem);
        } catch (IllegalArgumentException broken) {
            violations.check(field, false, broken.getMessage());
            return null;
        }
    }

    private static boolean text(Violations violations, String field, String value, int max) {
        return violations.required(field, value)
                && violations.check(field, value.length() <= max, "must be at most " + max + " characters")
                && violations.matches(field, value, PRINTABLE, "must not contain control characters");
    }
}
