package io.pipewright.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The broker of the stack: records kept across a restart, and a listener per security protocol, each serving what a
 * client configured for it reads, the SASL ones as the generated user with each enabled mechanism, the TLS ones with a
 * certificate only the stack's CA verifies.
 */
@ExtendWith(LocalStackExtension.class)
class KafkaBrokerTest {

    private static final String SCRAM = "org.apache.kafka.common.security.scram.ScramLoginModule";
    private static final String PLAIN = "org.apache.kafka.common.security.plain.PlainLoginModule";

    @Test
    void consumesBackWhatWasProducedToAFreshTopic(LocalStack stack) throws Exception {
        String topic = "kafka-test-" + UUID.randomUUID();

        produce(stack.kafka(), topic, "customer-1", "{\"id\":1}");

        assertThat(consumeOne(stack.kafka(), topic)).satisfies(record -> {
            assertThat(record.key()).isEqualTo("customer-1");
            assertThat(record.value()).isEqualTo("{\"id\":1}");
        });
    }

    @Test
    void keepsRecordsAcrossARestartOfTheBroker(LocalStack stack) throws Exception {
        KafkaBroker kafka = stack.kafka();
        String topic = "kafka-restart-test-" + UUID.randomUUID();
        long pidBefore = kafka.pid();
        produce(kafka, topic, "order-7", "before restart");

        kafka.restart();

        assertThat(kafka.pid()).isNotEqualTo(pidBefore);
        assertThat(ProcessHandle.of(pidBefore).filter(ProcessHandle::isAlive)).isEmpty();
        assertThat(consumeOne(kafka, topic).value()).isEqualTo("before restart");
        assertThat(consumeOne(sasl(kafka, "SCRAM-SHA-256", SCRAM, kafka.saslPassword()), topic).value())
                .as("the user and its password outlive a restart").isEqualTo("before restart");
    }

    @Test
    void everyListenerServesItsProtocolAndEveryMechanismLogsIn(LocalStack stack) throws Exception {
        KafkaBroker kafka = stack.kafka();
        String topic = "kafka-listeners-test-" + UUID.randomUUID();
        produce(kafka, topic, "order-8", "over every listener");
        String password = kafka.saslPassword();
        Map<String, Map<String, Object>> clients = new LinkedHashMap<>();
        clients.put("SASL_PLAINTEXT SCRAM-SHA-256", sasl(kafka, "SCRAM-SHA-256", SCRAM, password));
        clients.put("SASL_PLAINTEXT SCRAM-SHA-512", sasl(kafka, "SCRAM-SHA-512", SCRAM, password));
        clients.put("SASL_PLAINTEXT PLAIN", sasl(kafka, "PLAIN", PLAIN, password));
        clients.put("SSL", tls(kafka.sslBootstrapServers(), "SSL", kafka.caCertificate()));
        Map<String, Object> saslSsl = tls(kafka.saslSslBootstrapServers(), "SASL_SSL", kafka.caCertificate());
        saslSsl.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-256");
        saslSsl.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(SCRAM, password));
        clients.put("SASL_SSL SCRAM-SHA-256", saslSsl);

        clients.forEach((client, settings) -> assertThat(consumeOne(settings, topic).value()).as(client)
                .isEqualTo("over every listener"));
    }

    @Test
    void aWrongPasswordIsRefusedAsAnAuthenticationFailure(LocalStack stack) {
        Map<String, Object> wrong = sasl(stack.kafka(), "SCRAM-SHA-256", SCRAM, "not-" + stack.kafka().saslPassword());

        assertThatThrownBy(() -> describeCluster(wrong)).hasCauseInstanceOf(SaslAuthenticationException.class);
    }

    @Test
    void aCertificateOfAnotherCaIsNotTrusted(LocalStack stack) {
        String otherCa = LoopbackCertificates.generate("another CA").caCertificate();
        Map<String, Object> untrusting = tls(stack.kafka().sslBootstrapServers(), "SSL", otherCa);

        assertThatThrownBy(() -> describeCluster(untrusting)).hasCauseInstanceOf(SslAuthenticationException.class);
    }

    private static Map<String, Object> sasl(KafkaBroker kafka, String mechanism, String loginModule,
                                            String password) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.saslBootstrapServers());
        settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        settings.put(SaslConfigs.SASL_MECHANISM, mechanism);
        settings.put(SaslConfigs.SASL_JAAS_CONFIG, jaas(loginModule, password));
        return settings;
    }

    private static String jaas(String loginModule, String password) {
        return loginModule + " required username=\"" + KafkaBroker.SASL_USERNAME + "\" password=\"" + password
                + "\";";
    }

    private static Map<String, Object> tls(String bootstrapServers, String protocol, String caCertificate) {
        Map<String, Object> settings = new HashMap<>();
        settings.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        settings.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
        settings.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PEM");
        settings.put(SslConfigs.SSL_TRUSTSTORE_CERTIFICATES_CONFIG, caCertificate);
        return settings;
    }

    private static void describeCluster(Map<String, Object> client) throws Exception {
        Map<String, Object> settings = new HashMap<>(client);
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 20_000);
        try (Admin admin = Admin.create(settings)) {
            admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        }
    }

    private static void produce(KafkaBroker kafka, String topic, String key, String value) throws Exception {
        Map<String, Object> settings = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    private static ConsumerRecord<String, String> consumeOne(KafkaBroker kafka, String topic) {
        return consumeOne(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), topic);
    }

    private static ConsumerRecord<String, String> consumeOne(Map<String, Object> client, String topic) {
        Map<String, Object> settings = new HashMap<>(client);
        settings.put(ConsumerConfig.GROUP_ID_CONFIG, "kafka-test-" + UUID.randomUUID());
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(settings, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> received = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(500)).forEach(received::add);
                return !received.isEmpty();
            });
            assertThat(received).hasSize(1);
            return received.get(0);
        }
    }
}
