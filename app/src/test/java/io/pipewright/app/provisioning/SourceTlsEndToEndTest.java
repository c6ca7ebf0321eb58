package io.pipewright.app.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pipewright.app.support.ChangeTopics;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalCertificateAuthority;
import io.pipewright.localstack.LocalStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * A source registered with TLS on the real stack, whose source PostgreSQL serves TLS with a certificate of its own
 * authority: verify-full with that authority probes Running and a pipeline streams, its connector told the mode and
 * given the authority as a file in the worker's secrets directory (removed with the pipeline), never inline; another
 * authority fails the service saying the certificate could not be verified; require needs no authority.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class SourceTlsEndToEndTest {

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;

    private final LocalStack stack = ControlPlaneDatabase.stack();
    private PipewrightClient api;
    private String suffix;

    @BeforeEach
    void uniqueNames() {
        suffix = UUID.randomUUID().toString().substring(0, 8);
        api = new PipewrightClient(web, stack);
    }

    @Test
    void verifyFullWithTheSourcesAuthorityProbesRunningAndAPipelineStreams() throws Exception {
        String source = api.register(api.source("tls-source-" + suffix, "local", "verify-full",
                stack.source().caCertificatePem()));
        api.awaitServiceRunning(source);
        JsonNode postgresql = api.get("/managed-services/" + source).get("postgresql");
        assertThat(postgresql.get("ssl_mode").asText()).isEqualTo("verify-full");
        assertThat(postgresql.get("ca_certificate_sha256")).hasSize(1);

        String id = streamsAnInsert(source);

        JsonNode config = api.connect("/connectors/mdb-pipeline-" + id.substring(0, 8) + "/config");
        Path caFile = stack.connect().secretsPath().resolve(resourceName(id) + ".ca.crt");
        assertThat(config.get("database.sslmode").asText()).isEqualTo("verify-full");
        assertThat(config.get("database.sslrootcert").asText()).isEqualTo(caFile.toString());
        assertThat(config.toString()).doesNotContain("BEGIN CERTIFICATE");
        assertThat(Files.readString(caFile)).isEqualTo(stack.source().caCertificatePem());
        assertThat(connectorSessionEncrypted(id)).isTrue();

        api.call("DELETE", PipewrightClient.PIPELINES + "/" + id, null, 202);
        api.awaitEvent(id, "PipelineDeleted", Duration.ofMinutes(2));
        assertThat(caFile).doesNotExist();
        assertThat(stack.connect().secretsPath().resolve(resourceName(id))).doesNotExist();
    }

    @Test
    void anotherAuthorityFailsTheServiceSayingTheCertificateCouldNotBeVerified() {
        String source = api.register(api.source("wrong-ca-source-" + suffix, "local", "verify-full",
                LocalCertificateAuthority.generate("not the source's").certificatePem()));

        await().atMost(Duration.ofSeconds(60)).until(() ->
                "Failed".equals(api.get("/managed-services/" + source).get("status").asText()));
        assertThat(api.get("/managed-services/" + source).get("status_reason").asText())
                .isEqualTo("the TLS certificate of PostgreSQL at " + stack.source().host() + ":"
                        + stack.source().port() + " could not be verified: it is not issued by the service's "
                        + "ca_certificate");
    }

    @Test
    void requireWithoutAnAuthorityProbesRunningAndAPipelineStreams() throws Exception {
        String source = api.register(api.source("require-source-" + suffix, "local", "require", null));
        api.awaitServiceRunning(source);
        assertThat(api.get("/managed-services/" + source).at("/postgresql/ssl_mode").asText()).isEqualTo("require");

        String id = streamsAnInsert(source);

        JsonNode config = api.connect("/connectors/mdb-pipeline-" + id.substring(0, 8) + "/config");
        assertThat(config.get("database.sslmode").asText()).isEqualTo("require");
        assertThat(config.has("database.sslrootcert")).isFalse();
        assertThat(stack.connect().secretsPath().resolve(resourceName(id) + ".ca.crt")).doesNotExist();
        assertThat(connectorSessionEncrypted(id)).isTrue();
    }

    /** Whether the connector streams from the source over TLS, as the source sees its slot's session. */
    private boolean connectorSessionEncrypted(String pipelineId) throws SQLException {
        try (Connection connection = stack.source().connect("postgres");
             PreparedStatement query = connection.prepareStatement("SELECT ssl FROM pg_stat_ssl WHERE pid = "
                     + "(SELECT active_pid FROM pg_replication_slots WHERE slot_name = ?)")) {
            query.setString(1, resourceName(pipelineId));
            try (ResultSet ssl = query.executeQuery()) {
                assertThat(ssl.next()).as("an active session on the pipeline's slot").isTrue();
                return ssl.getBoolean(1);
            }
        }
    }

    private static String resourceName(String pipelineId) {
        return "pipewright_" + pipelineId.replace("-", "");
    }

    /** A pipeline of {@code source} into the stack's Kafka runs and delivers a row inserted after its snapshot. */
    private String streamsAnInsert(String source) {
        String sink = api.register(api.sink("tls-kafka-" + suffix, "local", stack.connect().restUrl()));
        api.awaitServiceRunning(sink);
        String prefix = "tls" + suffix;
        String id = api.call("POST", PipewrightClient.PIPELINES, Map.of("name", "tls-" + suffix,
                "pipeline_type", "cdc_pg_to_kafka", "source_service_id", source, "sink_service_id", sink,
                "config", Map.of("tables", List.of("customers"), "topic_prefix", prefix)), 202).get("id").asText();
        api.awaitStatus(id, "Running", Duration.ofMinutes(4));

        try (KafkaConsumer<String, String> consumer = ChangeTopics.consumer(stack, prefix + ".public.customers")) {
            ChangeTopics.snapshot(consumer);
            String email = "tls-" + suffix + "@example.org";
            stack.source().execute(LocalStack.SOURCE_DATABASE,
                    "INSERT INTO public.customers (full_name, email) VALUES ('TLS', '" + email + "')");
            assertThat(ChangeTopics.poll(consumer, 1)).singleElement().satisfies(change -> {
                assertThat(change.get("op").asText()).isEqualTo("c");
                assertThat(change.at("/after/email").asText()).isEqualTo(email);
            });
        }
        return id;
    }
}
