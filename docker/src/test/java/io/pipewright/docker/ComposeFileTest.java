package io.pipewright.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * No Docker engine runs on the project's machines, so compose.yaml and what it references are checked statically:
 * everything it points at exists, names resolve, ports stay on loopback, and the parts that must agree do.
 */
class ComposeFileTest {

    // Maven runs the tests in the module directory, which is the compose file's directory.
    private static final Path DOCKER_DIR = Path.of("").toAbsolutePath();
    private static final String PLUGINS_VOLUME = "connect-plugins";

    private static Map<String, Object> compose;
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    static void parseComposeFile() throws IOException {
        try (Reader reader = Files.newBufferedReader(DOCKER_DIR.resolve("compose.yaml"))) {
            compose = new Yaml().load(reader);
        }
        services = map(compose.get("services"));
        assertThat(services).containsKeys("control-plane-db", "source-db", "kafka", "kafka-connect", "control-plane");
    }

    @Test
    void everyServiceHasAnImageOrABuildAndAHealthcheck() {
        services.forEach((name, service) -> {
            assertThat(service.containsKey("image") || service.containsKey("build")).as(name + " image or build").isTrue();
            assertThat(service).as(name).containsKey("healthcheck");
        });
    }

    @Test
    void everyBuildContextDockerfileAndCopySourceExists() throws IOException {
        List<String> missing = new ArrayList<>();
        for (var service : services.entrySet()) {
            if (!service.getValue().containsKey("build")) {
                continue;
            }
            Path context = buildContext(service.getValue());
            Path dockerfile = dockerfile(service.getValue());
            if (!Files.isDirectory(context) || !Files.isRegularFile(dockerfile)) {
                missing.add(service.getKey() + ": " + context + " / " + dockerfile);
                continue;
            }
            for (Copy copy : copies(dockerfile)) {
                if (copy.from()) {
                    continue;
                }
                for (String source : copy.sources()) {
                    Path path = context.resolve(source).normalize();
                    if (!path.startsWith(context) || !Files.exists(path)) {
                        missing.add(service.getKey() + ": COPY " + source + " (" + path + ")");
                    }
                }
            }
        }
        assertThat(missing).as("build inputs that do not exist").isEmpty();
    }

    @Test
    void everyHostFileReferencedExists() {
        List<String> missing = new ArrayList<>();
        services.forEach((name, service) -> {
            for (Mount mount : mounts(service)) {
                if (mount.bind() && !Files.exists(DOCKER_DIR.resolve(mount.source()))) {
                    missing.add(name + ": volume " + mount.source());
                }
            }
            for (String envFile : envFiles(service)) {
                if (!Files.isRegularFile(DOCKER_DIR.resolve(envFile))) {
                    missing.add(name + ": env_file " + envFile);
                }
            }
        });
        for (String topLevel : List.of("configs", "secrets")) {
            Map<String, Map<String, Object>> definitions = map(compose.getOrDefault(topLevel, Map.of()));
            definitions.forEach((name, definition) -> {
                Object file = definition.get("file");
                if (file != null && !Files.isRegularFile(DOCKER_DIR.resolve(file.toString()))) {
                    missing.add(topLevel + "." + name + ": " + file);
                }
            });
        }
        assertThat(missing).as("host files that do not exist").isEmpty();
    }

    @Test
    void everyNamedVolumeUsedIsDeclared() {
        Set<String> declared = map(compose.getOrDefault("volumes", Map.of())).keySet();
        services.forEach((name, service) -> {
            for (Mount mount : mounts(service)) {
                if (!mount.bind() && mount.source() != null) {
                    assertThat(declared).as(name + " mounts volume " + mount.source()).contains(mount.source());
                }
            }
        });
    }

    @Test
    void everyDependencyIsAServiceWithTheConditionItWaitsFor() {
        services.forEach((name, service) -> {
            Object dependsOn = service.getOrDefault("depends_on", List.of());
            Map<String, Map<String, Object>> dependencies = new LinkedHashMap<>();
            if (dependsOn instanceof List<?> list) {
                list.forEach(dependency -> dependencies.put(dependency.toString(), Map.of()));
            } else {
                dependencies.putAll(map(dependsOn));
            }
            dependencies.forEach((dependency, options) -> {
                assertThat(services).as(name + " depends on").containsKey(dependency);
                if ("service_healthy".equals(options.get("condition"))) {
                    assertThat(services.get(dependency)).as(dependency + " healthcheck").containsKey("healthcheck");
                }
            });
        });
    }

    /**
     * The control plane writes each connector's password as an owner-only file into the volume the worker reads it
     * from: both must run as one user, and both images must create the shared mount points owned by that user (a new
     * named volume takes the ownership of the directory it is first mounted on).
     */
    @Test
    void theControlPlaneAndTheWorkerRunAsTheUserThatOwnsTheVolumesTheyShare() throws IOException {
        Object user = services.get("control-plane").get("user");
        assertThat(user).as("control-plane user").isNotNull().isEqualTo(services.get("kafka-connect").get("user"));
        List<String> shared = mounts(services.get("control-plane")).stream()
                .filter(mount -> !mount.bind() && mounts(services.get("kafka-connect")).contains(mount))
                .map(Mount::target).toList();
        assertThat(shared).isNotEmpty();
        for (String service : List.of("control-plane", "kafka-connect")) {
            String dockerfile = Files.readString(dockerfile(services.get(service))).replace("\\\n", " ");
            assertThat(dockerfile).as(service + "'s Dockerfile").contains("USER " + user);
            for (String target : shared) {
                assertThat(Pattern.compile("chown " + Pattern.quote(user.toString()) + "[^\\n]*" + Pattern.quote(target))
                        .matcher(dockerfile).find()).as(service + " chowns " + target + " to " + user).isTrue();
            }
        }
    }

    /**
     * The control plane's image is built from the repository root: what bin/pipewright up keeps there (.pipewright/,
     * with the admin password and the vault key) and compose's .env must never reach the build context.
     */
    @Test
    void localStateAndSecretsStayOutOfTheBuildContext() throws IOException {
        Path ignore = dockerfile(services.get("control-plane")).resolveSibling("Dockerfile.dockerignore");
        List<String> patterns = Files.readAllLines(ignore).stream().map(String::strip)
                .filter(line -> !line.isEmpty() && !line.startsWith("#")).toList();
        assertThat(patterns).contains(".pipewright", "**/.pipewright", ".env", "**/.env", ".git", "**/target");
    }

    /** Each published port can be moved with a variable, so compose starts on a host where the default is taken. */
    @Test
    void everyPublishedHostPortCanBeChanged() {
        Pattern configurable = Pattern.compile("127\\.0\\.0\\.1:\\$\\{[A-Z][A-Z0-9_]*:-[0-9]{1,5}}:[0-9]{1,5}");
        services.forEach((name, service) -> {
            for (Object port : list(service.getOrDefault("ports", List.of()))) {
                assertThat(port.toString()).as(name + " port").matches(configurable);
            }
        });
    }

    @Test
    void everyPublishedPortIsBoundToLoopback() {
        services.forEach((name, service) -> {
            for (Object port : list(service.getOrDefault("ports", List.of()))) {
                if (port instanceof Map<?, ?> longSyntax) {
                    assertThat(longSyntax.get("host_ip")).as(name + " port " + port).isEqualTo("127.0.0.1");
                } else {
                    assertThat(port).as(name + " port").isInstanceOf(String.class);
                    assertThat((String) port).as(name + " port").startsWith("127.0.0.1:");
                }
            }
        });
    }

    /**
     * Every password, key or secret in a service's environment is a variable compose requires ({@code ${NAME:?...}}),
     * never a literal and never a variable with a default: a default would be the same secret in every installation.
     */
    @Test
    void noSecretShipsWithTheComposeFile() {
        Pattern secretName = Pattern.compile(".*(PASSWORD|SECRET|_KEY|TOKEN).*");
        Pattern required = Pattern.compile("\\$\\{[A-Z][A-Z0-9_]*:\\?[^}]+}");
        List<String> shipped = new ArrayList<>();
        services.forEach((name, service) -> environment(service).forEach((key, value) -> {
            if (secretName.matcher(key).matches() && (value == null || !required.matcher(value).matches())) {
                shipped.add(name + ": " + key);
            }
        }));
        assertThat(shipped).as("secrets with a value or a default in compose.yaml").isEmpty();
        assertThat(environment(services.get("control-plane")).get("SPRING_DATASOURCE_PASSWORD"))
                .isEqualTo(environment(services.get("control-plane-db")).get("POSTGRES_PASSWORD"));
    }

    /** The control plane writes only into the volumes it shares with the worker, and those are its allowed roots. */
    @Test
    void theControlPlanesAllowedHostRootsAreTheVolumesItSharesWithTheWorker() {
        List<String> roots = List.of(environment(services.get("control-plane")).get("PIPEWRIGHT_HOSTPATHS_ALLOWEDROOTS")
                .split(","));
        List<String> shared = mounts(services.get("control-plane")).stream()
                .filter(mount -> !mount.bind() && mounts(services.get("kafka-connect")).contains(mount))
                .map(Mount::target).toList();
        assertThat(roots).containsExactlyInAnyOrderElementsOf(shared).contains(pluginsMountTarget("control-plane"));
    }

    @Test
    void connectWorkerAndControlPlaneShareThePluginPath() throws IOException {
        Path connectDir = buildContext(services.get("kafka-connect"));
        Properties worker = new Properties();
        try (Reader reader = Files.newBufferedReader(connectDir.resolve("connect-distributed.properties"))) {
            worker.load(reader);
        }
        String pluginPath = worker.getProperty("plugin.path");

        assertThat(pluginsMountTarget("kafka-connect")).isEqualTo(pluginPath);
        assertThat(pluginsMountTarget("control-plane")).isEqualTo(pluginPath);

        String entrypoint = Files.readString(connectDir.resolve("entrypoint.sh"));
        assertThat(entrypoint).contains("MARKER=" + pluginPath + "/.restart-requested");
        String propertiesInImage = copies(dockerfile(services.get("kafka-connect"))).stream()
                .filter(copy -> copy.sources().equals(List.of("connect-distributed.properties")))
                .map(Copy::destination)
                .findFirst()
                .orElseThrow(() -> new AssertionError("kafka-connect's Dockerfile does not COPY connect-distributed.properties"));
        assertThat(entrypoint).contains("PROPERTIES=" + propertiesInImage);
    }

    @Test
    void imagesAndPluginArchiveFollowTheParentPomVersions() throws IOException {
        String kafkaImage = "apache/kafka:" + requiredProperty("kafka.version");
        assertThat(services.get("kafka").get("image")).isEqualTo(kafkaImage);
        assertThat(Files.readString(dockerfile(services.get("kafka-connect")))).contains("FROM " + kafkaImage);

        String debezium = requiredProperty("debezium.version");
        Path controlPlaneDockerfile = dockerfile(services.get("control-plane"));
        assertThat(Files.readString(controlPlaneDockerfile))
                .contains("-Dartifact=io.debezium:debezium-connector-postgres:" + debezium + ":tar.gz:plugin");

        Path archive = Path.of(environment(services.get("control-plane")).get("PIPEWRIGHT_PLUGINS_DEBEZIUM_POSTGRES_ARCHIVE"));
        assertThat(archive.getFileName()).hasToString("debezium-connector-postgres-" + debezium + "-plugin.tar.gz");
        assertThat(copies(controlPlaneDockerfile))
                .as("a COPY that puts the plugin archive where the control plane is told to find it")
                .anyMatch(copy -> copy.from() && Path.of(copy.destination()).equals(archive.getParent()));
    }

    @Test
    void shellScriptsParse() throws IOException, InterruptedException {
        for (Path script : List.of(DOCKER_DIR.resolve("kafka-connect/entrypoint.sh"), DOCKER_DIR.resolve("source-db/install-pg_hba.sh"))) {
            assertThat(script).isRegularFile();
            Process sh = new ProcessBuilder("sh", "-n", script.toString()).redirectErrorStream(true).start();
            assertThat(sh.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String output = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(sh.exitValue()).as("sh -n " + script + ": " + output).isZero();
        }
    }

    private record Mount(String source, String target, boolean bind) {}

    private record Copy(List<String> flags, List<String> sources, String destination) {
        boolean from() {
            return flags.stream().anyMatch(flag -> flag.startsWith("--from="));
        }
    }

    private static List<Mount> mounts(Map<String, Object> service) {
        List<Mount> mounts = new ArrayList<>();
        for (Object volume : list(service.getOrDefault("volumes", List.of()))) {
            if (volume instanceof Map<?, ?> longSyntax) {
                Object source = longSyntax.get("source");
                mounts.add(new Mount(source == null ? null : source.toString(), longSyntax.get("target").toString(),
                        "bind".equals(longSyntax.get("type"))));
            } else {
                String[] parts = volume.toString().split(":");
                if (parts.length == 1) {
                    mounts.add(new Mount(null, parts[0], false)); // anonymous volume
                } else {
                    boolean bind = parts[0].startsWith(".") || parts[0].startsWith("/") || parts[0].startsWith("~");
                    mounts.add(new Mount(parts[0], parts[1], bind));
                }
            }
        }
        return mounts;
    }

    private static String pluginsMountTarget(String serviceName) {
        return mounts(services.get(serviceName)).stream()
                .filter(mount -> PLUGINS_VOLUME.equals(mount.source()))
                .map(Mount::target)
                .findFirst()
                .orElseThrow(() -> new AssertionError(serviceName + " does not mount " + PLUGINS_VOLUME));
    }

    private static List<String> envFiles(Map<String, Object> service) {
        Object envFile = service.get("env_file");
        if (envFile == null) {
            return List.of();
        }
        if (envFile instanceof String single) {
            return List.of(single);
        }
        return list(envFile).stream()
                .map(entry -> entry instanceof Map<?, ?> longSyntax ? longSyntax.get("path").toString() : entry.toString())
                .toList();
    }

    private static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> environment = new LinkedHashMap<>();
        Object declared = service.getOrDefault("environment", Map.of());
        if (declared instanceof List<?> entries) {
            entries.forEach(entry -> {
                String[] keyValue = entry.toString().split("=", 2);
                environment.put(keyValue[0], keyValue.length == 2 ? keyValue[1] : null);
            });
        } else {
            map(declared).forEach((key, value) -> environment.put(key, String.valueOf(value)));
        }
        return environment;
    }

    private static Path buildContext(Map<String, Object> service) {
        Object build = service.get("build");
        Object context = build instanceof Map<?, ?> options ? options.get("context") : build;
        return DOCKER_DIR.resolve(context == null ? "." : context.toString()).normalize();
    }

    private static Path dockerfile(Map<String, Object> service) {
        Object build = service.get("build");
        Object dockerfile = build instanceof Map<?, ?> options ? options.get("dockerfile") : null;
        return buildContext(service).resolve(dockerfile == null ? "Dockerfile" : dockerfile.toString()).normalize();
    }

    private static List<Copy> copies(Path dockerfile) throws IOException {
        String joined = Files.readString(dockerfile).replace("\\\n", " ");
        List<Copy> copies = new ArrayList<>();
        for (String line : joined.lines().map(String::strip).toList()) {
            List<String> words = Arrays.asList(line.split("\\s+"));
            if (!words.get(0).equalsIgnoreCase("COPY")) {
                continue;
            }
            List<String> flags = words.stream().skip(1).takeWhile(word -> word.startsWith("--")).toList();
            List<String> paths = words.subList(1 + flags.size(), words.size());
            assertThat(paths).as(dockerfile + ": " + line).hasSizeGreaterThanOrEqualTo(2);
            copies.add(new Copy(flags, paths.subList(0, paths.size() - 1), paths.get(paths.size() - 1)));
        }
        return copies;
    }

    private static String requiredProperty(String name) {
        String value = System.getProperty(name);
        assertThat(value).as("system property " + name + " (set by the pom)").isNotBlank();
        return value;
    }

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> map(Object yaml) {
        return (Map<String, V>) yaml;
    }

    private static List<?> list(Object yaml) {
        return (List<?>) yaml;
    }
}
