package io.pipewright.adapters.kafka;

import io.pipewright.kernel.secret.SecretVault;
import io.pipewright.kernel.service.KafkaSecurity;
import io.pipewright.kernel.service.KafkaSecurityProtocol;
import io.pipewright.kernel.service.SaslMechanism;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;

/**
 * The one place that turns how a Kafka service is reached into the security settings of a Kafka client, for every
 * client the control plane, its launcher and its tests create: {@code security.protocol}; with SASL,
 * {@code sasl.mechanism} and {@code sasl.jaas.config} (the SCRAM or PLAIN login module with the username and password);
 * with TLS and a registered CA, a PEM trust store. The password exists only in memory, inside a {@link Password},
 * which Kafka prints as {@code [hidden]} where it logs a client's configuration.
 */
public final class KafkaClientSecurity {

    private static final String SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule";
    private static final String PLAIN_LOGIN = "org.apache.kafka.common.security.plain.PlainLoginModule";

    private KafkaClientSecurity() {
    }

    /** The settings of a registered service, its password revealed from the vault. */
    public static Map<String, Object> of(KafkaSecurity security, SecretVault vault) {
        String password = security.protocol().usesSasl() ? vault.reveal(security.password()).value() : null;
        return of(security.protocol(), security.mechanism(), security.username(), password, security.caCertificate());
    }

    /**
     * The settings for {@code protocol}: {@code mechanism}, {@code username} and {@code password} are used with a SASL
     * protocol, {@code caCertificate} (PEM, or null for the JVM's trusted CAs) with a TLS one.
     */
    public static Map<String, Object> of(KafkaSecurityProtocol protocol, SaslMechanism mechanism, String username,
                                         String password, String caCertificate) {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol.wireName());
        if (protocol.usesSasl()) {
            settings.put(SaslConfigs.SASL_MECHANISM, mechanism.wireName());
            settings.put(SaslConfigs.SASL_JAAS_CONFIG, new Password((mechanism.isScram() ? SCRAM_LOGIN : PLAIN_LOGIN)
                    + " required username=\"" + quoted(username) + "\" password=\"" + quoted(password) + "\";"));
        }
        if (protocol.usesTls() && caCertificate != null) {
            settings.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
            settings.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, new Password(caCertificate));
        }
        return settings;
    }

    /** Inside a JAAS option's double quotes a backslash escapes the next character (Kafka parses it so). */
    private static String quoted(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
