package io.pipewright.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LocalStackExtension.class)
class KafkaBrokerTest {

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
        Map<String, Object> settings = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "kafka-test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
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
