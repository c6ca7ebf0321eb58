package io.pipewright.app.recovery;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ChangeTopics;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** The numbered rows found in a change topic, read until every acknowledged one arrived or two minutes passed. */
record DeliveredRows(Set<Long> numbers, int redelivered, Set<Long> lost) {

    private static final Duration GIVE_UP_AFTER = Duration.ofMinutes(2);

    static DeliveredRows read(KafkaConsumer<String, String> consumer, Set<Long> committed) {
        Set<Long> numbers = new HashSet<>();
        int redelivered = 0;
        Instant giveUpAt = Instant.now().plus(GIVE_UP_AFTER);
        while (!numbers.containsAll(committed) && Instant.now().isBefore(giveUpAt)) {
            for (JsonNode change : ChangeTopics.pollOnce(consumer)) {
                if (!numbers.add(change.at("/after/n").asLong())) {
                    redelivered++;
                }
            }
        }
        Set<Long> lost = new TreeSet<>(committed);
        lost.removeAll(numbers);
        return new DeliveredRows(numbers, redelivered, lost);
    }
}
