package io.pipewright.command.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pipewright.command.web.FieldViolation;
import io.pipewright.command.web.InvalidRequest;
import io.pipewright.kernel.policy.EndpointPolicy;
import io.pipewright.kernel.policy.HostPathPolicy;
import io.pipewright.kernel.secret.Secret;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.KafkaSecurity;
import io.pipewright.kernel.service.KafkaSecurityProtocol;
import io.pipewright.kernel.service.RegisterManagedService;
import io.pipewright.kernel.service.SaslMechanism;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * How a Kafka registration says the control plane logs in: the security protocol with its SASL login or CA, and the
 * Kafka Connect REST API's Basic credentials and CA. Each broken rule names its field; a valid registration carries
 * the passwords as secrets for the vault only, and the CA in canonical PEM.
 */
class KafkaAccessRulesTest {

    private static final String CA = resource("test-ca.pem");
    private static final String PROTOCOLS = "must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL";
    private static final RegisterServiceRequest.Policies POLICIES = new RegisterServiceRequest.Policies(
            new PeeringRegions() {
                @Override
                public Optional<String> regionOf(String zone) {
                    return Optional.of("local").filter(region -> zone.equals("local"));
                }

                @Override
                public Map<String, List<String>> zonesByRegion() {
                    return Map.of("local", List.of("local"));
                }
            }, new EndpointPolicy(List.of(), EndpointPolicy.DEFAULT_DENIED, List.of()),
            new HostPathPolicy(List.of("/run/connect-secrets")));

    @Test
    void withoutSecuritySettingsAServiceIsPlaintextAsBefore() {
        RegisterManagedService command = command(kafka(null, null, null, null, null), plainWorker());

        assertThat(command.kafka().security()).isEqualTo(KafkaSecurity.PLAINTEXT);
        assertThat(command.kafkaPassword()).isNull();
        assertThat(command.connectPassword()).isNull();
    }

    @Test
    void aSaslLoginCarriesItsPasswordForTheVaultOnly() {
        RegisterServiceRequest request = request(kafka("SASL_PLAINTEXT", "SCRAM-SHA-256", "app_user",
                "kafka-secret-1", null), plainWorker());
        RegisterManagedService command = request.toCommand(UUID.randomUUID(), UUID.randomUUID(), POLICIES);

        assertThat(command.kafka().security()).isEqualTo(new KafkaSecurity(KafkaSecurityProtocol.SASL_PLAINTEXT,
                SaslMechanism.SCRAM_SHA_256, "app_user", null, null));
        assertThat(command.kafkaPassword()).isEqualTo(new Secret("kafka-secret-1"));
        assertThat(request.toString() + command).doesNotContain("kafka-secret-1");
    }

    @Test
    void everyProtocolAndMechanismIsAccepted() {
        for (String mechanism : List.of("SCRAM-SHA-256", "SCRAM-SHA-512", "PLAIN")) {
            assertThat(command(kafka("SASL_SSL", mechanism, "u", "p", CA), plainWorker()).kafka()
                    .security().mechanism().wireName()).isEqualTo(mechanism);
        }
        assertThat(command(kafka("SSL", null, null, null, null), plainWorker()).kafka().security())
                .isEqualTo(new KafkaSecurity(KafkaSecurityProtocol.SSL, null, null, null, null));
    }

    @Test
    void aSaslProtocolNeedsMechanismUsernameAndPassword() {
        assertThat(violations(kafka("SASL_SSL", null, null, null, null), plainWorker()))
                .containsExactly(new FieldViolation("kafka.sasl_mechanism", "is required"),
                        new FieldViolation("kafka.username", "is required"),
                        new FieldViolation("kafka.password", "is required"));
        assertThat(violations(kafka("SASL_PLAINTEXT", "GSSAPI", "u", "p", null), plainWorker()))
                .containsExactly(new FieldViolation("kafka.sasl_mechanism",
                        "must be one of SCRAM-SHA-256, SCRAM-SHA-512, PLAIN"));
        assertThat(violations(kafka("TLS", null, null, null, null), plainWorker()))
                .containsExactly(new FieldViolation("kafka.security_protocol", PROTOCOLS));
    }

    @Test
    void plaintextAndSslCarryNoLogin() {
        String rule = "is only used with SASL_PLAINTEXT or SASL_SSL, not SSL";
        assertThat(violations(kafka("SSL", "PLAIN", "u", "p", null), plainWorker())).containsExactly(
                new FieldViolation("kafka.sasl_mechanism", rule), new FieldViolation("kafka.username", rule),
                new FieldViolation("kafka.password", rule));
        assertThat(violations(kafka(null, null, null, "p", null), plainWorker())).containsExactly(
                new FieldViolation("kafka.password", "is only used with SASL_PLAINTEXT or SASL_SSL, not PLAINTEXT"));
    }

    @Test
    void namesAndPasswordsAreBoundedPrintableText() {
        assertThat(violations(kafka("SASL_PLAINTEXT", "PLAIN", "app\nuser", "x".repeat(1025), null),
                plainWorker())).containsExactly(
                new FieldViolation("kafka.username", "must not contain control characters"),
                new FieldViolation("kafka.password", "must be at most 1024 characters"));
    }

    @Test
    void aCaCertificateGoesWithTlsAndMustBeCertificatesInPem() {
        assertThat(violations(kafka("SASL_PLAINTEXT", "PLAIN", "u", "p", CA), plainWorker()))
                .containsExactly(new FieldViolation("kafka.ca_certificate",
                        "is only used with SSL or SASL_SSL, not SASL_PLAINTEXT"));
        assertThat(violations(kafka("SSL", null, null, null, "not a certificate"), plainWorker()))
                .containsExactly(new FieldViolation("kafka.ca_certificate",
                        "must be PEM: -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----"));
        String garbled = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        assertThat(violations(kafka("SSL", null, null, null, garbled), plainWorker()))
                .containsExactly(new FieldViolation("kafka.ca_certificate",
                        "certificate 1 is not an X.509 certificate"));
        String withKey = CA + "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
        assertThat(violations(kafka("SSL", null, null, null, withKey), plainWorker()))
                .containsExactly(new FieldViolation("kafka.ca_certificate",
                        "must hold certificates only, never a private key"));
        assertThat(violations(kafka("SSL", null, null, null, CA + " ".repeat(64 * 1024)), plainWorker()))
                .containsExactly(new FieldViolation("kafka.ca_certificate", "must be at most 65536 characters"));
    }

    @Test
    void aCaCertificateIsStoredAsCanonicalPem() {
        String asOpensslPrintsIt = "subject=CN = Pipewright test CA\r\n" + CA.replace("\n", "\r\n");

        KafkaSecurity security = command(kafka("SSL", null, null, null, asOpensslPrintsIt),
                plainWorker()).kafka().security();

        assertThat(security.caCertificate()).isEqualTo(CA);
    }

    @Test
    void connectsBasicCredentialsComeInPairsAndItsCaWithHttps() {
        RegisterManagedService command = command(kafka(null, null, null, null, null),
                connect("https://10.0.0.8:8443", "connect-admin", "connect-secret-1", CA));
        KafkaConnectEndpoint worker = command.kafka().connect();
        assertThat(worker.username()).isEqualTo("connect-admin");
        assertThat(worker.password()).as("a reference the aggregate gets from the vault").isNull();
        assertThat(worker.caCertificate()).isEqualTo(CA);
        assertThat(command.connectPassword()).isEqualTo(new Secret("connect-secret-1"));

        assertThat(violations(kafka(null, null, null, null, null), connect("http://10.0.0.8:8083", "admin", null,
                CA))).containsExactly(
                new FieldViolation("kafka.kafka_connect.username", "needs kafka.kafka_connect.password"),
                new FieldViolation("kafka.kafka_connect.ca_certificate", "is only used with an https url"));
        assertThat(violations(kafka(null, null, null, null, null), connect("http://10.0.0.8:8083", "a:b", "p",
                null))).containsExactly(new FieldViolation("kafka.kafka_connect.username",
                "must not contain ':' (HTTP Basic authentication)"));
        assertThat(violations(kafka(null, null, null, null, null), connect("http://10.0.0.8:8083", null, "p",
                null))).containsExactly(new FieldViolation("kafka.kafka_connect.password",
                "needs kafka.kafka_connect.username"));
    }

    private static RegisterServiceRequest.Kafka kafka(String protocol, String mechanism, String username,
                                                      String password, String ca) {
        return new RegisterServiceRequest.Kafka("10.0.0.7:9093", null, protocol, mechanism, username, password, ca);
    }

    /** A Connect REST API over http without credentials. */
    private static RegisterServiceRequest.KafkaConnect plainWorker() {
        return connect(null, null, null, null);
    }

    private static RegisterServiceRequest.KafkaConnect connect(String url, String username, String password,
                                                               String ca) {
        return new RegisterServiceRequest.KafkaConnect(url == null ? "http://10.0.0.8:8083" : url, "preinstalled",
                null, "/run/connect-secrets", username, password, ca);
    }

    private static RegisterServiceRequest request(RegisterServiceRequest.Kafka kafka,
                                                  RegisterServiceRequest.KafkaConnect connect) {
        RegisterServiceRequest.Kafka withConnect = new RegisterServiceRequest.Kafka(kafka.bootstrapServers(), connect,
                kafka.securityProtocol(), kafka.saslMechanism(), kafka.username(), kafka.password(),
                kafka.caCertificate());
        return new RegisterServiceRequest("events", "kafka", "4.3", "local", null, null, null,
                List.of("kafka-connect"), null, withConnect);
    }

    private static RegisterManagedService command(RegisterServiceRequest.Kafka kafka,
                                                  RegisterServiceRequest.KafkaConnect connect) {
        return request(kafka, connect).toCommand(UUID.randomUUID(), UUID.randomUUID(), POLICIES);
    }

    private static List<FieldViolation> violations(RegisterServiceRequest.Kafka kafka,
                                                   RegisterServiceRequest.KafkaConnect connect) {
        InvalidRequest refused = catchThrowableOfType(InvalidRequest.class,
                () -> command(kafka, connect));
        return refused == null ? List.of() : refused.violations();
    }

    private static String resource(String name) {
        try (InputStream in = KafkaAccessRulesTest.class.getResourceAsStream("/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
