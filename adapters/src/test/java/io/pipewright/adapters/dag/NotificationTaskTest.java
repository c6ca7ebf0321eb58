package io.pipewright.adapters.dag;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.adapters.kafka.KafkaClientSecurity;
import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.adapters.support.InMemoryVault;
import io.pipewright.adapters.support.LocalEndpoints;
import io.pipewright.kernel.dag.DagTask;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.KafkaSecurity;
import io.pipewright.kernel.service.KafkaSecurityProtocol;
import io.pipewright.kernel.service.SaslMechanism;
import io.pipewright.localstack.KafkaBroker;
import io.pipewright.localstack.LocalStack;
import io.pipewright.sagas.dag.DagTaskRunner;
import io.pipewright.sagas.dag.DagTaskRunner.Attempt;
import io.pipewright.sagas.dag.DagTaskRunner.Failed;
import io.pipewright.sagas.dag.DagTaskRunner.Outcome;
import io.pipewright.sagas.dag.DagTaskRunner.Succeeded;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Notification tasks against the real Kafka broker of the local stack: the message arrives on the topic, keyed by the
 * pipeline, with the fields the notification service reads, over a plaintext and a SASL listener; a refused login is
 * retryable and does not show the password. Each test has its own topic.
 */
class NotificationTaskTest {

    private static final InMemoryVault VAULT = new InMemoryVault();
    private static final ObjectMapper JSON = new ObjectMapper();

    private static LocalStack stack;

    @BeforeAll
    static void startBroker() {
        stack = LocalStack.builder().workDirectory(Path.of("target", "dag-notification-stack"))
                .withControlPlaneDatabase(false).withSource(false).withConnect(false).start();
    }

    @AfterAll
    static void stopBroker() {
        stack.close();
    }

    @Test
    void theNotificationArrivesOnTheTopicKeyedByThePipelineWithItsFields() throws Exception {
        String topic = topic("dag_notifications_plain");
        KafkaEndpoint kafka = new KafkaEndpoint(stack.kafka().bootstrapServers(), null, null);
        Attempt attempt = Attempts.onKafka(Attempts.notification("notify", "slack",
                "Pipeline ${pipeline_name} done for ${execution_date} (run ${run_id})"), "daily_revenue", kafka,
                "running");
        Instant before = Instant.now();

        Outcome outcome = runner(topic).run(attempt);

        assertThat(outcome).isEqualTo(new Succeeded(null, List.of()));
        ConsumerRecord<String, String> record = readOne(topic, kafka);
        assertThat(record.key()).isEqualTo(attempt.pipelineId().toString());
        JsonNode message = JSON.readTree(record.value());
        assertThat(fieldNames(message)).containsExactly("pipeline_id", "pipeline_name", "run_id", "execution_date",
                "task_id", "status", "channel", "message", "sent_at");
        assertThat(message.get("pipeline_id").asText()).isEqualTo(attempt.pipelineId().toString());
        assertThat(message.get("pipeline_name").asText()).isEqualTo("daily_revenue");
        assertThat(message.get("run_id").asText()).isEqualTo(attempt.runId().toString());
        assertThat(message.get("execution_date").asText()).isEqualTo(Attempts.EXECUTION_DATE);
        assertThat(message.get("task_id").asText()).isEqualTo("notify");
        assertThat(message.get("status").asText()).isEqualTo("running");
        assertThat(message.get("channel").asText()).isEqualTo("slack");
        assertThat(message.get("message").asText()).isEqualTo("Pipeline daily_revenue done for "
                + Attempts.EXECUTION_DATE + " (run " + attempt.runId() + ")");
        assertThat(Instant.parse(message.get("sent_at").asText())).isBetween(before, Instant.now());
    }

    @Test
    void aServiceReachedOverSaslGetsItsNotificationWithTheRunsStatus() throws Exception {
        String topic = topic("dag_notifications_sasl");
        KafkaBroker broker = stack.kafka();
        KafkaEndpoint kafka = new KafkaEndpoint(broker.saslBootstrapServers(), null, new KafkaSecurity(
                KafkaSecurityProtocol.SASL_PLAINTEXT, SaslMechanism.SCRAM_SHA_256, KafkaBroker.SASL_USERNAME,
                VAULT.vaulted(broker.saslPassword()), null));
        Attempt attempt = Attempts.onKafka(Attempts.notification("on_failure", "email", "Run failed"),
                "daily_revenue", kafka, "failed");

        assertThat(runner(topic).run(attempt)).isEqualTo(new Succeeded(null, List.of()));

        JsonNode message = JSON.readTree(readOne(topic, kafka).value());
        assertThat(message.get("status").asText()).isEqualTo("failed");
        assertThat(message.get("channel").asText()).isEqualTo("email");
    }

    @Test
    void aRefusedLoginIsRetryableAndDoesNotShowThePassword() {
        String wrong = "wrong-" + UUID.randomUUID();
        KafkaBroker broker = stack.kafka();
        KafkaEndpoint kafka = new KafkaEndpoint(broker.saslBootstrapServers(), null, new KafkaSecurity(
                KafkaSecurityProtocol.SASL_PLAINTEXT, SaslMechanism.SCRAM_SHA_256, KafkaBroker.SASL_USERNAME,
                VAULT.vaulted(wrong), null));

        Outcome outcome = runner(topic("dag_notifications_refused")).run(Attempts.onKafka(
                Attempts.notification("notify", "slack", "x"), "daily_revenue", kafka, "running"));

        assertThat(outcome).isEqualTo(new Failed("task notify: Kafka at " + broker.saslBootstrapServers()
                + " refused the SASL login of user app_user (SCRAM-SHA-256): authentication failed, check"
                + " kafka.username and kafka.password", true, List.of()));
        assertThat(((Failed) outcome).error()).doesNotContain(wrong);
    }

    @Test
    void aClusterThatDoesNotAnswerFailsWithinTheTasksBoundAndIsRetryable() {
        KafkaEndpoint nobody = new KafkaEndpoint("127.0.0.1:1", null, null);
        DagTask notify = new DagTask("notify", DagTask.NOTIFICATION, null, null, List.of(), List.of(), "slack", "x",
                0, 1, 2);
        DagTaskRunner runner = runner(topic("dag_notifications_nobody"));
        long startedAt = System.nanoTime();

        Outcome outcome = runner.run(Attempts.onKafka(notify, "daily_revenue", nobody, "running"));

        assertThat(Duration.ofNanos(System.nanoTime() - startedAt)).isLessThan(Duration.ofSeconds(5));
        assertThat(outcome).isInstanceOf(Failed.class);
        assertThat(((Failed) outcome).retryable()).isTrue();
        assertThat(((Failed) outcome).error()).startsWith("task notify: Kafka at 127.0.0.1:1 did not");
    }

    private static DagTaskRunner runner(String topic) {
        SourceAdmin admin = new SourceAdmin(VAULT, LocalEndpoints.POLICY, ExternalCallLimits.defaults());
        return new DagTasks(new SqlTask(admin), new QualityTask(admin), new NotificationTask(VAULT,
                LocalEndpoints.POLICY, ExternalCallLimits.defaults(), topic));
    }

    /** A topic of its own, created up front (one partition). */
    private static String topic(String name) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.kafka().bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, 1, (short) 1))).all().get();
            return name;
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + name, e);
        }
    }

    /** The one message on the topic, read from the start with the service's own security settings. */
    private static ConsumerRecord<String, String> readOne(String topic, KafkaEndpoint kafka) {
        Map<String, Object> settings = new HashMap<>(KafkaClientSecurity.of(kafka.security(), VAULT));
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        settings.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        settings.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings)) {
            TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(Set.of(partition));
            consumer.seekToBeginning(Set.of(partition));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long giveUpAt = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (records.isEmpty() && System.nanoTime() < giveUpAt) {
                consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            }
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
            assertThat(records).hasSize(1);
            return records.get(0);
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
