package io.pipewright.app.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ChangeTopics;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.KafkaBroker;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.LoopbackCertificates;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A Kafka service that needs a login, on the real stack's listeners: registered through SASL_PLAINTEXT with
 * SCRAM-SHA-256 as the reference's consumers log in, it probes Running and a pipeline streams into it (read back
 * through the same listener); SASL_SSL and SSL with the stack's CA probe Running too; a wrong password or a CA that
 * did not sign the broker's certificate makes the service Failed with a reason that says which, without the password;
 * the SASL and Connect passwords live in the vault only, until the deregistration erases them; bad settings are 400s
 * naming the field.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class KafkaLoginEndToEndTest {

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;
    @Autowired
    JdbcTemplate jdbc;

    private final LocalStack stack = ControlPlaneDatabase.stack();
    private PipewrightClient api;
    private String suffix;

    @BeforeEach
    void uniqueNames() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        api = new PipewrightClient(web, stack);
    }

    @Test
    void aSinkRegisteredThroughSaslScramProbesRunningAndAPipelineStreamsIntoIt() throws Exception {
        KafkaBroker kafka = stack.kafka();
        String source = api.register(api.source("source-" + suffix, "local"));
        String sink = api.register(api.saslSink("sasl-kafka-" + suffix, "local", kafka.saslPassword()));
        api.awaitServiceRunning(source);
        api.awaitServiceRunning(sink);

        JsonNode view = api.get("/managed-services/" + sink);
        assertThat(view.at("/kafka/bootstrap_servers").asText()).isEqualTo(kafka.saslBootstrapServers());
        assertThat(view.at("/kafka/security_protocol").asText()).isEqualTo("SASL_PLAINTEXT");
        assertThat(view.at("/kafka/sasl_mechanism").asText()).isEqualTo("SCRAM-SHA-256");
        assertThat(view.at("/kafka/username").asText()).isEqualTo(KafkaBroker.SASL_USERNAME);
        assertThat(view.get("kafka").has("password")).isFalse();
        assertThat(view.toString()).doesNotContain(kafka.saslPassword());

        String prefix = "sasl" + suffix;
        String id = api.call("POST", PipewrightClient.PIPELINES, Map.of("name", "sasl-cdc-" + suffix,
                "pipeline_type", "cdc_pg_to_kafka", "source_service_id", source, "sink_service_id", sink,
                "config", Map.of("tables", List.of("public.orders"), "topic_prefix", prefix,
                        "snapshot_mode", "no_data")), 202).get("id").asText();
        api.awaitStatus(id, "Running", Duration.ofMinutes(4));

        try (KafkaConsumer<String, String> consumer = ChangeTopics.saslConsumer(stack, prefix + ".public.orders")) {
            long orderId = insertOrder();
            List<JsonNode> changes = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                changes.addAll(ChangeTopics.pollOnce(consumer));
                return changes.stream().anyMatch(change -> change.at("/after/id").asLong() == orderId);
            });
            assertThat(changes).filteredOn(change -> change.at("/after/id").asLong() == orderId).singleElement()
                    .satisfies(insert -> assertThat(insert.get("op").asText()).isEqualTo("c"));
        }
        assertThat(storedEventsContaining(kafka.saslPassword())).isZero();
    }

    @Test
    void aWrongPasswordOrCaFailsTheServiceSayingWhichWhileTheRightOnesRun() {
        KafkaBroker kafka = stack.kafka();
        String wrongPassword = "wrong-" + UUID.randomUUID();
        String otherCa = LoopbackCertificates.generate("not the stack's CA").caCertificate();
        String wrongLogin = api.register(kafkaOnly("wrong-password-" + suffix, kafka.saslBootstrapServers(),
                "SASL_PLAINTEXT", "SCRAM-SHA-256", wrongPassword, null));
        String wrongCa = api.register(kafkaOnly("wrong-ca-" + suffix, kafka.sslBootstrapServers(), "SSL", null,
                null, otherCa));
        String saslSsl = api.register(kafkaOnly("sasl-ssl-" + suffix, kafka.saslSslBootstrapServers(), "SASL_SSL",
                "SCRAM-SHA-512", kafka.saslPassword(), kafka.caCertificate()));
        String ssl = api.register(kafkaOnly("ssl-" + suffix, kafka.sslBootstrapServers(), "SSL", null, null,
                kafka.caCertificate()));

        JsonNode refusedLogin = awaitStatus(wrongLogin, "Failed");
        assertThat(refusedLogin.get("status_reason").asText()).isEqualTo("Kafka at " + kafka.saslBootstrapServers()
                + " refused the SASL login of user app_user (SCRAM-SHA-256): authentication failed, check "
                + "kafka.username and kafka.password");
        JsonNode unverified = awaitStatus(wrongCa, "Failed");
        assertThat(unverified.get("status_reason").asText()).isEqualTo("the TLS certificate of Kafka at "
                + kafka.sslBootstrapServers() + " could not be verified against the registered kafka.ca_certificate");
        api.awaitServiceRunning(saslSsl);
        api.awaitServiceRunning(ssl);

        assertThat(api.get("/managed-services").toString()).doesNotContain(wrongPassword)
                .doesNotContain(kafka.saslPassword());
        assertThat(storedEventsContaining(wrongPassword)).isZero();
        assertThat(storedEventsContaining(kafka.saslPassword())).isZero();
    }

    @Test
    void bothPasswordsAreKeptInTheVaultOnlyAndErasedWithTheDeregistration() {
        String kafkaPassword = "kafka-" + UUID.randomUUID();
        String connectPassword = "connect-" + UUID.randomUUID();
        Map<String, Object> registration = new HashMap<>(kafkaOnly("vaulted-" + suffix,
                stack.kafka().saslBootstrapServers(), "SASL_PLAINTEXT", "PLAIN", kafkaPassword, null));
        @SuppressWarnings("unchecked")
        Map<String, Object> kafka = new HashMap<>((Map<String, Object>) registration.get("kafka"));
        kafka.put("kafka_connect", Map.of("url", "https://127.0.0.1:1", "username", "connect-admin",
                "password", connectPassword, "ca_certificate", stack.kafka().caCertificate(),
                "secrets_directory", stack.connect().secretsPath().toString()));
        registration.put("kafka", kafka);
        registration.put("addons", List.of("kafka-connect"));
        long secretsBefore = jdbc.queryForObject("SELECT count(*) FROM secret", Long.class);

        String id = api.register(registration);
        JsonNode view = api.get("/managed-services/" + id);

        assertThat(view.at("/kafka/kafka_connect/username").asText()).isEqualTo("connect-admin");
        assertThat(view.at("/kafka/kafka_connect/ca_certificate").asText()).isEqualTo(stack.kafka().caCertificate());
        assertThat(view.toString()).doesNotContain(kafkaPassword).doesNotContain(connectPassword);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM secret", Long.class)).isEqualTo(secretsBefore + 2);
        assertThat(storedEventsContaining(kafkaPassword) + storedEventsContaining(connectPassword)).isZero();

        web.delete().uri("/managed-services/" + id)
                .headers(headers -> headers.setBasicAuth("test-admin", "test-admin-password"))
                .exchange().expectStatus().isNoContent();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM secret", Long.class)).isEqualTo(secretsBefore);
    }

    @Test
    void loginSettingsAreValidatedNamingTheField() {
        KafkaBroker kafka = stack.kafka();
        assertRefused(kafkaOnly("v1-" + suffix, kafka.saslBootstrapServers(), "SASL_PLAINTEXT", "SCRAM-SHA-256",
                null, null), "kafka.password", "is required");
        assertRefused(kafkaOnly("v2-" + suffix, kafka.saslBootstrapServers(), "SASL_PLAINTEXT", "OAUTHBEARER", "pw",
                null), "kafka.sasl_mechanism", "must be one of SCRAM-SHA-256, SCRAM-SHA-512, PLAIN");
        assertRefused(kafkaOnly("v3-" + suffix, kafka.bootstrapServers(), "PLAINTEXT", "PLAIN", "pw", null),
                "kafka.sasl_mechanism", "is only used with SASL_PLAINTEXT or SASL_SSL, not PLAINTEXT");
        assertRefused(kafkaOnly("v4-" + suffix, kafka.sslBootstrapServers(), "SSL", null, null,
                "-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----"), "kafka.ca_certificate",
                "must be PEM");
        assertRefused(kafkaOnly("v5-" + suffix, kafka.bootstrapServers(), "TLS", null, null, null),
                "kafka.security_protocol", "must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL");
        Map<String, Object> connectOverHttpWithCa = api.sink("v6-" + suffix, "local", stack.connect().restUrl());
        @SuppressWarnings("unchecked")
        Map<String, Object> connect = (Map<String, Object>) ((Map<String, Object>) connectOverHttpWithCa.get("kafka"))
                .get("kafka_connect");
        connect.put("ca_certificate", kafka.caCertificate());
        assertRefused(connectOverHttpWithCa, "kafka.kafka_connect.ca_certificate", "is only used with an https url");
    }

    private JsonNode awaitStatus(String serviceId, String status) {
        await().atMost(Duration.ofSeconds(60)).until(() ->
                status.equals(api.get("/managed-services/" + serviceId).get("status").asText()));
        return api.get("/managed-services/" + serviceId);
    }

    private static Map<String, Object> kafkaOnly(String name, String servers, String protocol, String mechanism,
                                                 String password, String caCertificate) {
        Map<String, Object> kafka = new HashMap<>();
        kafka.put("bootstrap_servers", servers);
        kafka.put("security_protocol", protocol);
        if (mechanism != null) {
            kafka.put("sasl_mechanism", mechanism);
            kafka.put("username", KafkaBroker.SASL_USERNAME);
        }
        if (password != null) {
            kafka.put("password", password);
        }
        if (caCertificate != null) {
            kafka.put("ca_certificate", caCertificate);
        }
        return Map.of("name", name, "database_type", "kafka", "zone", "local", "kafka", kafka);
    }

    private void assertRefused(Map<String, Object> registration, String field, String rule) {
        JsonNode problem = api.call("POST", "/managed-services", registration, 400);
        assertThat(problem.get("field").asText()).isEqualTo(field);
        assertThat(problem.get("rule").asText()).contains(rule);
    }

    private long insertOrder() throws Exception {
        try (Connection connection = stack.source().connect(LocalStack.SOURCE_DATABASE);
             Statement statement = connection.createStatement();
             ResultSet inserted = statement.executeQuery("INSERT INTO public.orders (customer_id, status, total) "
                     + "VALUES (1, 'NEW', 12.34) RETURNING id")) {
            inserted.next();
            return inserted.getLong(1);
        }
    }

    private long storedEventsContaining(String password) {
        return jdbc.queryForObject("SELECT count(*) FROM domain_event_entry WHERE position(convert_to(?, 'UTF8') in "
                + "payload) > 0", Long.class, password);
    }
}
