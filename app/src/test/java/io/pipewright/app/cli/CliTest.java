package io.pipewright.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.cli.ExitCode;
import io.pipewright.cli.PipewrightCli;
import io.pipewright.localstack.LocalStack;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The CLI as a script or a person uses it: a separate process ({@code java ... PipewrightCli}, what
 * {@code bin/pipewright pipelines ...} runs) against this control plane on the real stack, its exit codes, tables
 * and JSON, and {@code --wait} following a pipeline through its steps.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class CliTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @LocalServerPort
    int port;
    @Autowired
    WebTestClient web;
    @TempDir
    Path files;

    private final LocalStack stack = ControlPlaneDatabase.stack();
    private PipewrightClient api;
    private String suffix;

    /** What a process printed and how it ended. */
    record Run(int exitCode, String out, String err) {

        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    @BeforeEach
    void uniqueNames() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        api = new PipewrightClient(web, stack);
    }

    @Test
    void registersServicesThenCreatesPausesResumesAndDeletesAPipelineFollowingItsSteps() throws Exception {
        Run source = cli(Map.of(), "services", "register", "--file",
                file("source.json", api.source("cli-source-" + suffix, "local")), "-o", "json");
        assertThat(source.exitCode()).as(source.err()).isEqualTo(ExitCode.OK);
        String sourceId = source.json().get("id").asText();
        String sinkId = cli(Map.of(), "services", "register", "--file",
                file("sink.json", api.sink("cli-kafka-" + suffix, "local", stack.connect().restUrl())), "-o", "json")
                .json().get("id").asText();
        api.awaitServiceRunning(sourceId);
        api.awaitServiceRunning(sinkId);

        Run services = cli(Map.of(), "services", "list", "--all");
        assertThat(services.out()).contains("ID", "STATUS", "cli-source-" + suffix, "cli-kafka-" + suffix);
        Run firstPage = cli(Map.of(), "services", "list", "--limit", "1");
        assertThat(firstPage.out().lines().filter(line -> line.contains("cli-"))).hasSize(1);
        assertThat(firstPage.out()).contains("(more: --all)");
        assertThat(cli(Map.of(), "services", "list", "--limit", "1", "--all", "-o", "json").json())
                .extracting(service -> service.get("name").asText())
                .contains("cli-source-" + suffix, "cli-kafka-" + suffix);

        Run created = cli(Map.of(), "pipelines", "create", "--name", "cli-" + suffix, "--source", sourceId,
                "--sink", sinkId, "--table", "orders", "--topic-prefix", "cli" + suffix, "--wait");
        assertThat(created.exitCode()).as(created.err()).isEqualTo(ExitCode.OK);
        assertThat(created.out()).contains("ProvisionStepStarted ensure_network", "PeeringEnsured",
                "PluginInstalled", "SourcePrepared", "PublicationCreated", "ConnectorCreated", "Running");
        String id = created.out().lines().filter(line -> line.startsWith("Created pipeline ")).findFirst()
                .orElseThrow().split(" ")[2].replace(";", "");

        JsonNode status = cli(Map.of(), "pipelines", "status", id, "-o", "json").json();
        assertThat(status.get("status").asText()).isEqualTo("Running");
        assertThat(cli(Map.of(), "pipelines", "list", "--name-prefix", "cli-" + suffix, "-o", "json").json())
                .extracting(pipeline -> pipeline.get("id").asText()).containsExactly(id);
        assertThat(cli(Map.of(), "pipelines", "get", id).out()).contains("config.topic_prefix: cli" + suffix);
        assertThat(cli(Map.of(), "pipelines", "events", id).out()).contains("SEQ", "PipelineCreated",
                "PipelineRunning");

        assertThat(cli(Map.of(), "pipelines", "pause", id, "--wait").exitCode()).isEqualTo(ExitCode.OK);
        assertThat(api.get("/pipelines/" + id + "/status").get("status").asText()).isEqualTo("Paused");
        assertThat(cli(Map.of(), "pipelines", "resume", id, "--wait").exitCode()).isEqualTo(ExitCode.OK);
        assertThat(api.get("/pipelines/" + id + "/status").get("status").asText()).isEqualTo("Running");

        Run deleted = cli(Map.of(), "pipelines", "delete", id, "--wait");
        assertThat(deleted.exitCode()).as(deleted.err()).isEqualTo(ExitCode.OK);
        assertThat(deleted.out()).contains("PipelineDeletionRequested", "Deleted");
        assertThat(cli(Map.of(), "pipelines", "get", id).exitCode()).isEqualTo(ExitCode.REFUSED);
    }

    @Test
    void aPipelineThatFailsEndsTheWaitWithItsOwnExitCodeAndReason() throws Exception {
        String sourceId = api.register(api.source("cli-source-" + suffix, "local"));
        String sinkId = api.register(api.sink("cli-kafka-" + suffix, "local", stack.connect().restUrl()));

        Run failed = cli(Map.of(), "pipelines", "create", "--name", "cli-failing-" + suffix, "--source", sourceId,
                "--sink", sinkId, "--table", "missing_" + suffix, "--wait");

        assertThat(failed.exitCode()).isEqualTo(ExitCode.PIPELINE_FAILED);
        assertThat(failed.err()).contains("pipeline Failed", "missing_" + suffix, "does not exist");
    }

    @Test
    void refusalsUsageErrorsAndAnUnreachableApiHaveTheirExitCodesAndSayWhy() throws Exception {
        Run invalid = cli(Map.of(), "pipelines", "create", "--name", "cli-bad-" + suffix, "--source",
                UUID.randomUUID().toString(), "--sink", UUID.randomUUID().toString(), "--table", "orders",
                "--decimal-handling-mode", "float");
        assertThat(invalid.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(invalid.err()).contains("400", "config.decimal_handling_mode").doesNotContain("Exception");

        Run wrongPassword = cli(Map.of("PIPEWRIGHT_PASSWORD", "not-the-password"), "services", "list");
        assertThat(wrongPassword.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(wrongPassword.err()).contains("401").doesNotContain("not-the-password");

        assertThat(cli(Map.of(), "pipelines", "get", "not-an-id").exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(cli(Map.of(), "pipelines", "frobnicate").exitCode()).isEqualTo(ExitCode.USAGE);

        Run unreachable = cli(Map.of("PIPEWRIGHT_API_URL", "http://127.0.0.1:1"), "services", "list");
        assertThat(unreachable.exitCode()).isEqualTo(ExitCode.UNAVAILABLE);
        assertThat(unreachable.err()).contains("cannot reach the API at http://127.0.0.1:1");
    }

    @Test
    void aTokenCreatedWithTheCliWorksUntilItIsRevoked() throws Exception {
        Run created = cli(Map.of(), "tokens", "create", "--name", "cli-" + suffix, "--expires-at",
                Instant.now().plus(Duration.ofDays(30)).toString(), "--read-only", "-o", "json");
        assertThat(created.exitCode()).as(created.err()).isEqualTo(ExitCode.OK);
        String tokenId = created.json().get("id").asText();
        Map<String, String> asToken = Map.of("PIPEWRIGHT_TOKEN", created.json().get("token").asText(),
                "PIPEWRIGHT_USERNAME", "", "PIPEWRIGHT_PASSWORD", "");

        assertThat(cli(asToken, "pipelines", "list").exitCode()).isEqualTo(ExitCode.OK);
        assertThat(cli(Map.of(), "tokens", "list").out()).contains(tokenId, "cli-" + suffix)
                .doesNotContain(created.json().get("token").asText());
        assertThat(cli(Map.of(), "tokens", "revoke", tokenId).exitCode()).isEqualTo(ExitCode.OK);

        Run revoked = cli(asToken, "pipelines", "list");
        assertThat(revoked.exitCode()).isEqualTo(ExitCode.REFUSED);
        assertThat(revoked.err()).contains("401", "revoked");
    }

    /** The CLI in its own JVM, as an operator by default, never reading a real up.json. */
    private Run cli(Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), PipewrightCli.class.getName()));
        command.addAll(List.of(args));
        command.addAll(List.of("--up-file", files.resolve("no-up.json").toString()));
        ProcessBuilder process = new ProcessBuilder(command);
        Map<String, String> environment = process.environment();
        environment.keySet().removeIf(name -> name.startsWith("PIPEWRIGHT_"));
        Map<String, String> settings = new HashMap<>(Map.of("PIPEWRIGHT_API_URL", "http://127.0.0.1:" + port,
                "PIPEWRIGHT_USERNAME", "test-admin", "PIPEWRIGHT_PASSWORD", "test-admin-password",
                "PIPEWRIGHT_ORGANIZATION", PipewrightClient.ORGANIZATION));
        settings.putAll(env);
        environment.putAll(settings);
        Path out = files.resolve("out-" + UUID.randomUUID());
        Path err = files.resolve("err-" + UUID.randomUUID());
        Process running = process.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!running.waitFor(5, TimeUnit.MINUTES)) {
            running.destroyForcibly();
            throw new AssertionError("the CLI did not end: " + String.join(" ", args));
        }
        return new Run(running.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    private String file(String name, Object body) throws IOException {
        Path path = files.resolve(name);
        JSON.writeValue(path.toFile(), body);
        return path.toString();
    }
}
