package io.pipewright.launcher;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.adapters.kafka.KafkaClientSecurity;
import io.pipewright.kernel.service.KafkaSecurityProtocol;
import io.pipewright.kernel.service.SaslMechanism;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/pipewright consume TOPIC [--max N] [--work-dir DIR]}: prints a topic of the running embedded Kafka from
 * its beginning, one change event per line, until Ctrl-C or N events. It reads as the reference's consumers do,
 * through the SASL_PLAINTEXT listener logged in as {@code up.json}'s {@code services.kafka.sasl} says; an up.json
 * written before that existed has only the plaintext listener, which is read then.
 */
final class ConsumeTopic {

    static final String USAGE = "usage: bin/pipewright consume TOPIC [--max N] [--work-dir DIR]";

    private ConsumeTopic() {
    }

    static void run(String... args) {
        if (args.length == 0) {
            throw new IllegalArgumentException(USAGE);
        }
        String topic = args[0];
        long max = Long.MAX_VALUE;
        Path workDirectory = Path.of(".pipewright");
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--max" -> max = Long.parseLong(valueOf(args, ++i));
                case "--work-dir" -> workDirectory = Path.of(valueOf(args, ++i));
                default -> throw new IllegalArgumentException("unknown option " + args[i] + "\n" + USAGE);
            }
        }
        // Standard output carries the events only: the Kafka client's own logging would mix into it.
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        Properties properties = new Properties();
        properties.putAll(connection(workDirectory.resolve("up.json")));
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "pipewright-consume-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long printed = 0;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (printed < max) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                    System.out.println(record.value());
                    if (++printed >= max) {
                        break;
                    }
                }
            }
        }
    }

    /** The bootstrap servers and security settings of the embedded Kafka, from up.json. */
    static Map<String, Object> connection(Path upFile) {
        if (!Files.exists(upFile)) {
            throw new IllegalArgumentException(upFile + " does not exist: start `bin/pipewright up` first");
        }
        JsonNode kafka;
        try {
            kafka = new ObjectMapper().readTree(upFile.toFile()).at("/services/kafka");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + upFile, e);
        }
        JsonNode sasl = kafka.path("sasl");
        Map<String, Object> settings = new HashMap<>();
        if (sasl.isMissingNode()) {
            settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.path("bootstrap_servers").asText());
            return settings;
        }
        SaslMechanism mechanism = SaslMechanism.fromWireName(sasl.path("mechanism").asText()).orElseThrow(() ->
                new IllegalArgumentException(upFile + ": unknown services.kafka.sasl.mechanism"));
        settings.putAll(KafkaClientSecurity.of(KafkaSecurityProtocol.SASL_PLAINTEXT, mechanism,
                sasl.path("username").asText(), sasl.path("password").asText(), null));
        settings.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, sasl.path("bootstrap_servers").asText());
        return settings;
    }

    private static String valueOf(String[] args, int index) {
        if (index >= args.length) {
            throw new IllegalArgumentException(USAGE);
        }
        return args[index];
    }
}
