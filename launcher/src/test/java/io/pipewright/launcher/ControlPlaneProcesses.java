package io.pipewright.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.app.PipewrightApplication;
import io.pipewright.localstack.DebeziumPostgresPlugin;
import io.pipewright.localstack.LocalStack;
import io.pipewright.localstack.PostgresServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Real control-plane processes on one database of the stack, for the tests that SIGKILL one inside a step and start
 * the next (fault injection holds the step, see StepFaultInjection), and that run several side by side and kill one of
 * them by name. Every process started is killed on close.
 */
final class ControlPlaneProcesses implements AutoCloseable {

    static final String ORGANIZATION = "0c9f3c55-8a57-4b7e-9a0e-6b3f2f7c1d42";
    private static final String ADMIN = "admin";
    private static final String PASSWORD = "kill-test-password";
    private static final String SECRETS_KEY = Base64.getEncoder().encodeToString(new byte[32]);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final LocalStack stack;
    private final Path work;
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, Process> byName = new HashMap<>();

    ControlPlaneProcesses(LocalStack stack, Path work) {
        this.stack = stack;
        this.work = work;
    }

    /**
     * Starts a control plane on {@code database} with extra {@code --key=value} settings; returns its API's base URL
     * once it is UP.
     */
    String start(String database, Path holds, String name, String... settings) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        PostgresServer db = stack.controlPlaneDatabase();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), PipewrightApplication.class.getName(),
                "--server.address=127.0.0.1", "--server.port=" + port,
                "--spring.datasource.url=" + db.jdbcUrl(database),
                "--spring.datasource.username=" + db.superuser(),
                "--spring.datasource.password=" + db.superuserPassword(),
                "--pipewright.bootstrap.admin-username=" + ADMIN,
                "--pipewright.bootstrap.admin-password=" + PASSWORD,
                "--pipewright.bootstrap.organization-id=" + ORGANIZATION,
                "--pipewright.secrets.key=" + SECRETS_KEY,
                "--pipewright.security.bcrypt-strength=4",
                "--pipewright.plugins.debezium-postgres-archive=" + DebeziumPostgresPlugin.archive(),
                "--pipewright.fault-injection.hold-directory=" + holds,
                "--pipewright.endpoints.allowed=" + PipewrightUp.EMBEDDED_STACK_ENDPOINTS,
                "--pipewright.host-paths.allowed-roots=" + stack.workDirectory().toAbsolutePath().normalize()));
        command.addAll(List.of(settings));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve(name + ".log").toFile()).start();
        processes.add(process);
        byName.put(name, process);
        String api = "http://127.0.0.1:" + port;
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> {
            assertThat(process.isAlive()).as("control plane %s exited, see %s", name, work).isTrue();
            try {
                return get(api + "/actuator/health").get("status").asText().equals("UP");
            } catch (IOException notYet) {
                return false;
            }
        });
        return api;
    }

    /** SIGKILL: no shutdown hook, no transaction finished. */
    void killLatest() throws InterruptedException {
        kill(processes.get(processes.size() - 1));
    }

    /** SIGKILL of the control plane started under {@code name}, whichever others run. */
    void kill(String name) throws InterruptedException {
        kill(byName.get(name));
    }

    private static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    /** The stack's source and its Kafka with Connect, registered and Running; returns their ids. */
    List<String> registerServices(String api, String suffix) throws Exception {
        String source = register(api, Map.of("name", "source-" + suffix, "database_type", "postgresql",
                "zone", "local", "postgresql", Map.of(
                        "hosts", List.of(Map.of("host", stack.source().host(), "port", stack.source().port())),
                        "admin_user", stack.source().superuser(),
                        "admin_password", stack.source().superuserPassword(),
                        "hba_management", "file")));
        String sink = register(api, Map.of("name", "kafka-" + suffix, "database_type", "kafka", "zone", "local",
                "addons", List.of("kafka-connect"), "kafka", Map.of(
                        "bootstrap_servers", stack.kafka().bootstrapServers(),
                        "kafka_connect", Map.of("url", stack.connect().restUrl(),
                                "plugin_installation", "shared_directory",
                                "plugin_path", stack.connect().pluginPath().toString(),
                                "secrets_directory", stack.connect().secretsPath().toString()))));
        return List.of(source, sink);
    }

    private static String register(String api, Map<String, Object> service) throws Exception {
        String id = call(api, "POST", "/managed-services", service, 202).get("id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() ->
                call(api, "GET", "/managed-services/" + id, null, 200).get("status").asText().equals("Running"));
        return id;
    }

    static JsonNode call(String api, String method, String path, Object body, int expected) throws Exception {
        String credentials = Base64.getEncoder().encodeToString((ADMIN + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(api + path))
                .header("Authorization", "Basic " + credentials)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .timeout(Duration.ofSeconds(60))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(expected);
        return JSON.readTree(response.body());
    }

    static JsonNode get(String url) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    long countOnSource(String sql) throws Exception {
        try (Connection connection = stack.source().connect(LocalStack.SOURCE_DATABASE);
             Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** A call on the Connect worker's API as an operator would make it, past Pipewright. */
    void connectPut(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(stack.connect().restUrl() + path))
                .PUT(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("PUT %s: %s", path, response.body()).isEqualTo(202);
    }

    List<String> connectors() throws Exception {
        List<String> connectors = new ArrayList<>();
        get(stack.connect().restUrl() + "/connectors").forEach(name -> connectors.add(name.asText()));
        return connectors;
    }

    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
    }
}
