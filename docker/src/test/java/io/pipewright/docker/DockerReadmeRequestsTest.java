package io.pipewright.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The requests docker/README.md tells a user to send are ones the API takes and that reach the compose services:
 * each JSON body is read into the API's own request class as strictly as the control plane reads it (snake_case, no
 * unknown field), and the hosts, ports, URL and directories it names are the ones compose.yaml gives those services.
 */
class DockerReadmeRequestsTest {

    private static final Path DOCKER_DIR = Path.of("").toAbsolutePath();
    private static final Pattern HEREDOC = Pattern.compile("<<JSON[^\\n]*\\n(.*?)\\nJSON\\n", Pattern.DOTALL);
    private static final Pattern VARIABLE = Pattern.compile("\\$([A-Z][A-Z0-9_]*)");
    /** The control plane's reading of request bodies (see app's JsonConfiguration). */
    private static final ObjectMapper API_JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private static final List<JsonNode> bodies = new ArrayList<>();
    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    static void readTheReadmeAndCompose() throws IOException {
        Matcher heredocs = HEREDOC.matcher(Files.readString(DOCKER_DIR.resolve("README.md")));
        while (heredocs.find()) {
            bodies.add(API_JSON.readTree(withVariablesSet(heredocs.group(1))));
        }
        try (Reader reader = Files.newBufferedReader(DOCKER_DIR.resolve("compose.yaml"))) {
            Map<String, Object> compose = new Yaml().load(reader);
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Object>> declared = (Map<String, Map<String, Object>>) compose.get("services");
            services = declared;
        }
    }

    @Test
    void theReadmeRegistersBothServicesAndCreatesAPipelineOnThem() {
        assertThat(bodies).extracting(body -> body.path("database_type").asText(body.path("pipeline_type").asText()))
                .containsExactly("postgresql", "kafka", "cdc_pg_to_kafka");
    }

    @Test
    void everyBodyIsReadByTheApisRequestClass() throws Exception {
        Class<?> registration = Class.forName("io.pipewright.command.service.RegisterServiceRequest");
        Class<?> pipeline = Class.forName("io.pipewright.command.pipeline.CreatePipelineRequest");
        for (JsonNode body : bodies) {
            Class<?> requestClass = body.has("pipeline_type") ? pipeline : registration;
            Object request = API_JSON.treeToValue(body, requestClass);
            assertThat(request).as(body.toString()).isNotNull();
        }
    }

    @Test
    void theRegistrationsNameTheComposeServicesAsTheContainersSeeThem() {
        JsonNode source = bodies.get(0).get("postgresql");
        assertThat(source.at("/hosts/0/host").asText()).isEqualTo("source-db");
        assertThat(services).containsKey("source-db");
        assertThat(source.at("/hosts/0/port").asInt()).isEqualTo(5432);
        assertThat(source.get("admin_password").asText()).as("the password comes from docker/.env")
                .isEqualTo(placeholder("SOURCE_DB_PASSWORD"));

        JsonNode kafka = bodies.get(1).get("kafka");
        String advertised = environment("kafka").get("KAFKA_ADVERTISED_LISTENERS").toString();
        assertThat(advertised).contains("INTERNAL://" + kafka.get("bootstrap_servers").asText());
        JsonNode connect = kafka.get("kafka_connect");
        assertThat(connect.get("url").asText()).isEqualTo("http://kafka-connect:8083");
        String allowedRoots = environment("control-plane").get("PIPEWRIGHT_HOSTPATHS_ALLOWEDROOTS").toString();
        assertThat(List.of(allowedRoots.split(","))).containsExactlyInAnyOrder(connect.get("plugin_path").asText(),
                connect.get("secrets_directory").asText());
    }

    private Map<String, Object> environment(String service) {
        @SuppressWarnings("unchecked")
        Map<String, Object> environment = (Map<String, Object>) services.get(service).get("environment");
        return environment;
    }

    /** The shell fills in $VARIABLE: an id where one is expected, else a recognisable text. */
    private static String withVariablesSet(String body) {
        return VARIABLE.matcher(body).replaceAll(variable -> variable.group(1).endsWith("_ID")
                ? UUID.nameUUIDFromBytes(variable.group(1).getBytes()).toString() : placeholder(variable.group(1)));
    }

    private static String placeholder(String variable) {
        return "value-of-" + variable;
    }
}
