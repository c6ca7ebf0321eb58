package io.pipewright.app.support;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.adapters.kafka.KafkaClientSecurity;
import io.pipewright.kernel.service.KafkaSecurityProtocol;
import io.pipewright.kernel.service.SaslMechanism;
import io.pipewright.localstack.KafkaBroker;
import io.pipewright.localstack.LocalStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads the change events a pipeline wrote to Kafka. */
public final class ChangeTopics {

    private ChangeTopics() {
    }

    public static KafkaConsumer<String, String> consumer(LocalStack stack, String topic) {
        return consumer(stack.kafka().bootstrapServers(), Map.of(), topic);
    }

    /**
     * A consumer as the reference's consumers read: on the SASL_PLAINTEXT listener, logged in with SCRAM-SHA-256 as the
     * stack's user.
     */
    public static KafkaConsumer<String, String> saslConsumer(LocalStack stack, String topic) {
        return consumer(stack.kafka().saslBootstrapServers(), KafkaClientSecurity.of(
                KafkaSecurityProtocol.SASL_PLAINTEXT, SaslMechanism.SCRAM_SHA_256, KafkaBroker.SASL_USERNAME,
                stack.kafka().saslPassword(), null), topic);
    }

    private static KafkaConsumer<String, String> consumer(String bootstrapServers, Map<String, Object> security,
                                                          String topic) {
        Properties properties = new Properties();
        properties.putAll(security);
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new StringDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    /** The next {@code count} change events, tombstones (null values after deletes) left out. */
    public static List<JsonNode> poll(KafkaConsumer<String, String> consumer, int count) {
        List<JsonNode> changes = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            changes.addAll(pollOnce(consumer));
            return changes.size() >= count;
        });
        return changes.subList(0, count);
    }

    /**
     * The snapshot's read events, up to the one Debezium marks as the last of the table ({@code source.snapshot} is
     * {@code last_in_data_collection}, or {@code last} for the last table). Other tests leave rows in the shared
     * tables, so a snapshot's size is only known to the source.
     */
    public static List<JsonNode> snapshot(KafkaConsumer<String, String> consumer) {
        List<JsonNode> reads = new ArrayList<>();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            reads.addAll(pollOnce(consumer));
            return reads.stream().anyMatch(read -> read.at("/source/snapshot").asText().startsWith("last"));
        });
        return reads;
    }

    /** What arrives within half a second. */
    public static List<JsonNode> pollOnce(KafkaConsumer<String, String> consumer) {
        List<JsonNode> changes = new ArrayList<>();
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
            if (record.value() != null) {
                changes.add(PipewrightClient.read(record.value().getBytes()));
            }
        }
        return changes;
    }
}
