package io.pipewright.app.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.app.support.SourceWithStandby;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A whole lifecycle (register, create, Running, pause, resume, a primary failover, delete), then a search for every
 * password it used (the source's admin password, the API user's, the Kafka sink's SASL password, the connector's
 * generated one, refreshed on the new primary) in every API response, the application's
 * log, every serialized message the control plane stored (events and their metadata, sagas, deadlines, tokens) and
 * Connect's config topic: zero hits. The connector's config holds a reference its worker resolves from an owner-only
 * file, which the delete removes. The source logs every statement (log_statement=all) and tracks them in
 * pg_stat_statements: neither holds the connector's password, which reaches the source only as a SCRAM verifier.
 * The sink is registered through the broker's SASL_PLAINTEXT listener, so the probe's Kafka client logs in with SCRAM:
 * Kafka logs that client's configuration, with {@code sasl.jaas.config} hidden.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT60S")
@DirtiesContext
@ExtendWith(OutputCaptureExtension.class)
class SecretLeakTest {

    private static final String API_PASSWORD = "test-admin-password";
    private static final String CONNECT_CONFIG_TOPIC = "pipewright-connect-configs";

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void noPasswordIsInAnyResponseLogLineStoredMessageOrConnectConfig(CapturedOutput log) throws Exception {
        LocalStack stack = ControlPlaneDatabase.stack();
        PipewrightClient api = new PipewrightClient(web, stack);
        List<JsonNode> responses = new ArrayList<>();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        try (SourceWithStandby cluster = SourceWithStandby.start(Path.of("target", "leak", suffix).toAbsolutePath(),
                stack.workDirectory(), Map.of("log_statement", "all",
                        "shared_preload_libraries", "pg_stat_statements"))) {
            cluster.primary.execute("postgres", "CREATE EXTENSION pg_stat_statements");
            String source = api.register(cluster.registration("leak-source-" + suffix));
            String kafkaPassword = stack.kafka().saslPassword();
            String sink = api.register(api.saslSink("leak-kafka-" + suffix, "local", kafkaPassword));
            api.awaitServiceRunning(source);
            api.awaitServiceRunning(sink);
            String pipelines = PipewrightClient.PIPELINES;
            JsonNode created = api.call("POST", pipelines, Map.of("name", "leak-" + suffix, "pipeline_type",
                    "cdc_pg_to_kafka", "source_service_id", source, "sink_service_id", sink,
                    "config", Map.of("tables", List.of(SourceWithStandby.TABLE), "topic_prefix", "l" + suffix)), 202);
            responses.add(created);
            String id = created.get("id").asText();
            responses.add(api.awaitStatus(id, "Running", Duration.ofMinutes(4)));
            Path secretFile = stack.connect().secretsPath().resolve("pipewright_" + id.replace("-", ""));
            String connectorPassword = Files.readString(secretFile);
            String reference = "${dir:" + secretFile.getParent() + ":" + secretFile.getFileName() + "}";
            assertThat(api.connect("/connectors/mdb-pipeline-" + id.substring(0, 8) + "/config")
                    .get("database.password").asText()).isEqualTo(reference);
            assertThat(Files.getPosixFilePermissions(secretFile)).containsExactlyInAnyOrder(
                    PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            responses.add(api.call("POST", pipelines + "/" + id + "/pause", null, 202));
            responses.add(api.call("POST", pipelines + "/" + id + "/resume", null, 202));
            responses.add(api.awaitStatus(id, "Running", Duration.ofMinutes(1)));
            String role = "pipewright_" + id.replace("-", "");
            List<String> primaryStatements = statementStatistics(cluster.primary);
            assertThat(primaryStatements).as("pg_stat_statements tracks the role's DDL")
                    .anyMatch(statement -> statement.contains(role));

            cluster.standby.promote();
            cluster.primary.stop();
            api.awaitEvent(id, "ConnectorRepointed", Duration.ofMinutes(3));
            responses.add(api.awaitStatus(id, "Running", Duration.ofMinutes(1)));
            responses.add(api.get("/managed-services"));
            responses.add(api.get("/managed-services/" + source));
            responses.add(api.get(pipelines));
            responses.add(api.get(pipelines + "/" + id));
            responses.add(api.get("/organizations"));
            responses.add(api.call("DELETE", pipelines + "/" + id, null, 202));
            api.awaitEvent(id, "PipelineDeleted", Duration.ofMinutes(2));
            JsonNode events = api.get(pipelines + "/" + id + "/events");
            responses.add(events);
            responses.add(api.call("POST", pipelines, Map.of("name", "leak-refused-" + suffix), 400));

            assertThat(secretFile).doesNotExist();
            String sourceLog = Files.readString(cluster.primary.logFile()) + Files.readString(cluster.standby.logFile());
            assertThat(sourceLog).doesNotContain(connectorPassword);
            assertThat(sourceLog).as("the source logs every statement")
                    .contains("ALTER USER \"" + role + "\" PASSWORD 'SCRAM-SHA-256$");
            assertThat(primaryStatements).noneMatch(statement -> statement.contains(connectorPassword));
            assertThat(statementStatistics(cluster.standby)).as("the promoted standby's statements")
                    .noneMatch(statement -> statement.contains(connectorPassword));
            List<String> connectConfigs = connectConfigTopic(stack);
            assertThat(connectConfigs).as("Connect's config topic holds the connector").anyMatch(record ->
                    record.contains(reference));
            List<String> passwords = List.of(cluster.primary.superuserPassword(), API_PASSWORD, connectorPassword,
                    kafkaPassword);
            for (String password : passwords) {
                assertThat(connectConfigs).noneMatch(record -> record.contains(password));
                assertThat(responses).allSatisfy(response -> assertThat(response.toString())
                        .doesNotContain(password));
                assertThat(log.getAll()).doesNotContain(password);
                assertThat(storedMessagesContaining(password)).as("stored messages holding a password").isZero();
            }
            assertThat(events.toString()).contains("FailoverDetected");
            assertThat(log.getAll()).as("the application's log was captured").contains("AdminClientConfig values")
                    .as("the probe's client logged in with SCRAM").contains("sasl.mechanism = SCRAM-SHA-256")
                    .contains("sasl.jaas.config = [hidden]");
        }
    }

    /** The statements pg_stat_statements keeps on this node, of every database. */
    private static List<String> statementStatistics(PostgresServer node) throws Exception {
        List<String> statements = new ArrayList<>();
        try (Connection connection = node.connect("postgres");
             Statement query = connection.createStatement();
             ResultSet rows = query.executeQuery("SELECT query FROM pg_stat_statements")) {
            while (rows.next()) {
                statements.add(rows.getString(1));
            }
        }
        return statements;
    }

    /** Every record of the worker's config topic, from the beginning to its end now. */
    private static List<String> connectConfigTopic(LocalStack stack) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafka().bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "leak-search-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(CONNECT_CONFIG_TOPIC).stream()
                    .map(partition -> new TopicPartition(partition.topic(), partition.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition))) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    records.add(record.key() + "=" + record.value());
                }
            }
        }
        return records;
    }

    private long storedMessagesContaining(String password) {
        String matches = "position(convert_to(?, 'UTF8') in %s) > 0";
        return count("domain_event_entry", matches.formatted("payload") + " OR " + matches.formatted("meta_data"),
                password, password)
                + count("saga_entry", matches.formatted("serialized_saga"), password)
                + count("token_entry", "token IS NOT NULL AND " + matches.formatted("token"), password)
                + count("scheduled_tasks", "task_data IS NOT NULL AND " + matches.formatted("task_data"), password);
    }

    private long count(String table, String condition, Object... parameters) {
        return jdbc.queryForObject("SELECT count(*) FROM " + table + " WHERE " + condition, Long.class, parameters);
    }
}
