package io.pipewright.app.recovery;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ChangeTopics;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.app.support.SourceWithStandby;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * The failover the issue describes, on the real stack: a Running pipeline on a primary with a standby, a writer of
 * numbered rows that never pauses, the standby promoted and the old primary stopped, no human action. Measures how
 * long from the promotion until the connector runs on the new primary, and which acknowledged rows never reached Kafka.
 */
final class FailoverDrill {

    private static final Duration PROVISIONED_WITHIN = Duration.ofMinutes(4);
    private static final Duration RECOVERED_WITHIN = Duration.ofMinutes(3);
    private static final Duration WRITING_AFTER_RECOVERY = Duration.ofSeconds(5);

    record Result(String pipelineId, Duration promotionToRunning, int committed, Set<Long> lost, int redelivered,
                  List<String> events) {
    }

    private final PipewrightClient api;
    private final LocalStack stack;
    private final Path directory;

    FailoverDrill(PipewrightClient api, LocalStack stack, Path directory) {
        this.api = api;
        this.stack = stack;
        this.directory = directory;
    }

    Result run() throws Exception {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        try (SourceWithStandby source = SourceWithStandby.start(directory.resolve(suffix), stack.workDirectory())) {
            String sourceId = api.register(source.registration("failover-source-" + suffix));
            String sinkId = api.register(api.sink("failover-kafka-" + suffix, "local", stack.connect().restUrl()));
            api.awaitServiceRunning(sourceId);
            api.awaitServiceRunning(sinkId);
            String topicPrefix = "f" + suffix;
            String id = api.call("POST", PipewrightClient.PIPELINES, Map.of("name", "failover-" + suffix,
                    "pipeline_type", "cdc_pg_to_kafka", "source_service_id", sourceId, "sink_service_id", sinkId,
                    "config", Map.of("tables", List.of(SourceWithStandby.TABLE), "topic_prefix", topicPrefix)),
                    202).get("id").asText();
            api.awaitStatus(id, "Running", PROVISIONED_WITHIN);

            Result result;
            try (KafkaConsumer<String, String> consumer = ChangeTopics.consumer(stack,
                    topicPrefix + ".public." + SourceWithStandby.TABLE);
                 NumberedRowWriter writer = new NumberedRowWriter(source.nodes(),
                         SourceWithStandby.DATABASE, SourceWithStandby.TABLE)) {
                writer.start();
                await().atMost(Duration.ofSeconds(30)).until(() -> writer.committedCount() >= 100);
                // The standby takes the slot over only once the connector confirmed a position after its creation.
                awaitSyncedSlot(source.standby, "pipewright_" + id.replace("-", ""));

                long promotedAt = System.nanoTime();
                source.standby.promote();
                source.primary.stop();
                awaitConnectorRunningOn(id, source.standby);
                Duration promotionToRunning = Duration.ofNanos(System.nanoTime() - promotedAt);
                api.awaitStatus(id, "Running", RECOVERED_WITHIN);

                int committedAtRecovery = writer.committedCount();
                await().atMost(WRITING_AFTER_RECOVERY.plusSeconds(30)).pollDelay(WRITING_AFTER_RECOVERY)
                        .until(() -> writer.committedCount() > committedAtRecovery
                                && writer.writingTo() == source.standby);
                writer.close();
                Set<Long> committed = writer.committed();
                DeliveredRows delivered = DeliveredRows.read(consumer, committed);
                result = new Result(id, promotionToRunning, committed.size(), delivered.lost(),
                        delivered.redelivered(), api.eventTypes(id));
            }
            api.call("DELETE", PipewrightClient.PIPELINES + "/" + id, null, 202);
            api.awaitEvent(id, "PipelineDeleted", Duration.ofMinutes(2));
            return result;
        }
    }

    private static void awaitSyncedSlot(PostgresServer standby, String slot) {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            try (var connection = standby.connect("postgres");
                 var statement = connection.prepareStatement(
                         "SELECT synced AND NOT temporary FROM pg_replication_slots WHERE slot_name = ?")) {
                statement.setString(1, slot);
                try (var result = statement.executeQuery()) {
                    return result.next() && result.getBoolean(1);
                }
            }
        });
    }

    /** Connect's own view: the connector and its task RUNNING, configured for the promoted standby. */
    private void awaitConnectorRunningOn(String id, PostgresServer newPrimary) {
        String connector = "/connectors/mdb-pipeline-" + id.substring(0, 8);
        await().atMost(RECOVERED_WITHIN).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            JsonNode config = api.connect(connector + "/config");
            JsonNode status = api.connect(connector + "/status");
            boolean tasksRunning = status.get("tasks").size() > 0;
            for (JsonNode task : status.get("tasks")) {
                tasksRunning &= "RUNNING".equals(task.get("state").asText());
            }
            return config.get("database.port").asInt() == newPrimary.port()
                    && "RUNNING".equals(status.at("/connector/state").asText()) && tasksRunning;
        });
    }
}
