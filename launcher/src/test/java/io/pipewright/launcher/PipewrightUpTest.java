package io.pipewright.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real {@code up} command in its own process, the way {@code bin/pipewright up} does, and {@code consume},
 * which reads through the SASL listener up registered the Kafka service with.
 */
class PipewrightUpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path workDirectory;

    private final List<Process> launched = new ArrayList<>();

    @AfterEach
    void stopLeftovers() {
        launched.forEach(Process::destroyForcibly);
    }

    @Test
    void servesTheApiOnTheEmbeddedStackAndLeavesNothingRunning() throws Exception {
        Process up = launch();
        JsonNode info = awaitUpFile(up);

        assertThat(get(info.get("api_url").asText() + "/actuator/health")).contains("\"status\":\"UP\"");
        assertThat(info.get("username").asText()).isNotBlank();
        assertThat(info.get("password").asText()).isNotBlank();
        assertThat(info.get("organization_id").asText()).matches("[0-9a-f-]{36}");
        assertThat(Files.getPosixFilePermissions(upFile())).isEqualTo(PosixFilePermissions.fromString("rw-------"));

        JsonNode source = info.at("/services/source_postgresql");
        assertThat(source.get("id").asText()).matches("[0-9a-f-]{36}");
        assertThat(getAuthenticated(info, "/managed-services/" + source.get("id").asText()))
                .contains("\"status\":\"Running\"", "\"ssl_mode\":\"verify-full\"");
        assertThat(source.get("ssl_mode").asText()).isEqualTo("verify-full");
        assertThat(Path.of(source.get("ca_certificate_file").asText())).isRegularFile();
        insertCustomer(source, "kept across --keep-data");
        assertThat(countCustomers(source, "kept across --keep-data")).isEqualTo(1);

        JsonNode kafka = info.at("/services/kafka");
        assertThat(kafka.get("id").asText()).matches("[0-9a-f-]{36}");
        assertThat(getAuthenticated(info, "/managed-services/" + kafka.get("id").asText()))
                .contains("\"status\":\"Running\"", "\"kafka-connect\":\"Running\"");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.get("bootstrap_servers").asText()))) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        }
        assertThat(get(kafka.get("connect_url").asText() + "/connectors")).isEqualTo("[]");
        JsonNode sasl = kafka.get("sasl");
        assertThat(sasl.get("bootstrap_servers").asText()).isNotEqualTo(kafka.get("bootstrap_servers").asText());
        assertThat(sasl.get("mechanism").asText()).isEqualTo("SCRAM-SHA-256");
        assertThat(sasl.get("username").asText()).isEqualTo("app_user");
        assertThat(sasl.get("password").asText()).isNotBlank();
        assertThat(getAuthenticated(info, "/managed-services/" + kafka.get("id").asText())).as("registered over SASL")
                .contains("\"bootstrap_servers\":\"" + sasl.get("bootstrap_servers").asText() + "\"",
                        "\"security_protocol\":\"SASL_PLAINTEXT\"", "\"sasl_mechanism\":\"SCRAM-SHA-256\"")
                .doesNotContain(sasl.get("password").asText());
        produce(kafka.get("bootstrap_servers").asText(), "up-consume-check", "{\"read\":\"over SASL\"}");
        assertThat(consume("up-consume-check")).as("bin/pipewright consume reads over SASL")
                .contains("{\"read\":\"over SASL\"}");

        List<Long> pids = pidsOf(info);
        stop(up);
        assertThat(upFile()).doesNotExist();
        assertNoneAlive(pids);
        // A newcomer's first screen: the launcher's own lines, no log lines and no logging error.
        assertThat(Files.readString(workDirectory.resolve("up-0.out")))
                .doesNotContain("ch.qos.logback", "Empty or null pattern", "Started PipewrightApplication", " INFO ");

        Process again = launch("--keep-data");
        JsonNode kept = awaitUpFile(again);
        assertThat(kept.get("password").asText()).isEqualTo(info.get("password").asText());
        assertThat(kept.at("/services/kafka/sasl/password")).as("the SASL user is kept")
                .isEqualTo(sasl.get("password"));
        assertThat(getAuthenticated(kept, "/managed-services/" + kept.at("/services/kafka/id").asText()))
                .contains("\"status\":\"Running\"");
        assertThat(kept.at("/services/source_postgresql/id")).isEqualTo(source.get("id"));
        assertThat(countCustomers(kept.at("/services/source_postgresql"), "kept across --keep-data")).isEqualTo(1);
        List<Long> keptPids = pidsOf(kept);
        stop(again);

        Process clean = launch();
        JsonNode fresh = awaitUpFile(clean);
        assertThat(fresh.get("password").asText()).isNotEqualTo(info.get("password").asText());
        assertThat(countCustomers(fresh.at("/services/source_postgresql"), "kept across --keep-data")).isZero();
        List<Long> freshPids = pidsOf(fresh);
        stop(clean);
        assertNoneAlive(keptPids);
        assertNoneAlive(freshPids);
    }

    private static void produce(String bootstrapServers, String topic, String value) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, value)).get(30, TimeUnit.SECONDS);
        }
    }

    /** What {@code bin/pipewright consume TOPIC --max 1} prints, run as its own process. */
    private String consume(String topic) throws Exception {
        Path output = workDirectory.resolve("consume.out");
        Process consume = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PipewrightUp.class.getName(), "consume", topic,
                "--max", "1", "--work-dir", workDirectory.toString())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        launched.add(consume);
        assertThat(consume.waitFor(90, TimeUnit.SECONDS)).as("consume ends after one event").isTrue();
        return Files.readString(output);
    }

    private Process launch(String... flags) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                PipewrightUp.class.getName(),
                "--work-dir", workDirectory.toString(), "--port", "0"));
        command.addAll(List.of(flags));
        File output = workDirectory.resolve("up-" + launched.size() + ".out").toFile();
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output).start();
        launched.add(process);
        return process;
    }

    private JsonNode awaitUpFile(Process up) {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(up.isAlive()).as("up exited early, see %s", workDirectory).isTrue();
            return Files.exists(upFile());
        });
        return readUpFile();
    }

    private JsonNode readUpFile() {
        try {
            return JSON.readTree(upFile().toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Path upFile() {
        return workDirectory.resolve("up.json");
    }

    /** SIGTERM, as a service manager or Ctrl-C would stop it. */
    private static void stop(Process up) throws InterruptedException {
        up.destroy();
        assertThat(up.waitFor(90, TimeUnit.SECONDS)).as("up stops within 90 s").isTrue();
    }

    private static List<Long> pidsOf(JsonNode info) {
        List<Long> pids = new ArrayList<>();
        info.get("pids").forEach(pid -> pids.add(pid.asLong()));
        assertThat(pids).hasSizeGreaterThanOrEqualTo(4);
        return pids;
    }

    private static void assertNoneAlive(List<Long> pids) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(pids)
                .allSatisfy(pid -> assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive)).isEmpty()));
    }

    private static String getAuthenticated(JsonNode info, String path) throws Exception {
        String credentials = info.get("username").asText() + ":" + info.get("password").asText();
        return get(HttpRequest.newBuilder(URI.create(info.get("api_url").asText() + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes()))
                .build());
    }

    private static String get(String url) throws Exception {
        return get(HttpRequest.newBuilder(URI.create(url)).build());
    }

    private static String get(HttpRequest request) throws Exception {
        String url = request.uri().toString();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }

    /** As a user reads up.json: verifying the source's TLS certificate with the authority it names. */
    private static Connection connect(JsonNode source) throws Exception {
        Properties credentials = new Properties();
        credentials.setProperty("user", source.get("user").asText());
        credentials.setProperty("password", source.get("password").asText());
        credentials.setProperty("sslmode", source.get("ssl_mode").asText());
        credentials.setProperty("sslrootcert", source.get("ca_certificate_file").asText());
        String url = "jdbc:postgresql://" + source.get("host").asText() + ":" + source.get("port").asInt() + "/"
                + source.get("database").asText();
        return DriverManager.getConnection(url, credentials);
    }

    private static void insertCustomer(JsonNode source, String name) throws Exception {
        try (Connection connection = connect(source); Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO public.customers (full_name, email) VALUES ('" + name + "', 'kept@example.com')");
        }
    }

    private static int countCustomers(JsonNode source, String name) throws Exception {
        try (Connection connection = connect(source); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT count(*) FROM public.customers WHERE full_name = '" + name + "'")) {
            rows.next();
            return rows.getInt(1);
        }
    }
}
