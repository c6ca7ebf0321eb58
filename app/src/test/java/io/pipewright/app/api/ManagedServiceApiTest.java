package io.pipewright.app.api;

import static io.pipewright.app.api.ApiClient.delete;
import static io.pipewright.app.api.ApiClient.get;
import static io.pipewright.app.api.ApiClient.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.localstack.LocalCertificateAuthority;
import io.pipewright.localstack.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class ManagedServiceApiTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aReachablePostgresqlWithLogicalWalIsProbedRunning() {
        PostgresServer real = ControlPlaneDatabase.stack().source();
        String id = ApiClient.registeredId(web, ApiClient.postgresService(uniqueName(), real.host(), real.port(),
                real.superuser(), real.superuserPassword()));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> get(web, "/managed-services/" + id)
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("Running")
                .jsonPath("$.status_reason").isEmpty());
        get(web, "/managed-services/" + id).expectBody()
                .jsonPath("$.database_type").isEqualTo("postgresql")
                .jsonPath("$.zone").isEqualTo("se-sto1")
                .jsonPath("$.peering_region").isEqualTo("europe")
                .jsonPath("$.postgresql.hosts[0].port").isEqualTo(real.port())
                .jsonPath("$.postgresql.admin_user").isEqualTo(real.superuser())
                .jsonPath("$.postgresql.ssl_mode").isEqualTo("require")
                .jsonPath("$.postgresql.ca_certificate_sha256").isEmpty()
                .jsonPath("$.postgresql.admin_password").doesNotExist();
    }

    @Test
    void aWrongAdminPasswordFailsWithAReasonAndTheSecretLeaksNowhere() {
        PostgresServer real = ControlPlaneDatabase.stack().source();
        String wrongPassword = "wrong-" + UUID.randomUUID();
        String id = ApiClient.registeredId(web, ApiClient.postgresService(uniqueName(), real.host(), real.port(),
                real.superuser(), wrongPassword));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> get(web, "/managed-services/" + id)
                .expectStatus().isOk()
                .expectBody()
                .jsonPath("$.status").isEqualTo("Failed")
                .jsonPath("$.status_reason").value(reason -> assertThat((String) reason)
                        .contains("refused the admin user " + real.superuser())));

        String everything = get(web, "/managed-services").expectBody(String.class).returnResult().getResponseBody();
        assertThat(everything).doesNotContain(wrongPassword);
        List<byte[]> stored = jdbc.queryForList("SELECT payload FROM domain_event_entry", byte[].class);
        assertThat(stored).noneSatisfy(payload ->
                assertThat(new String(payload, StandardCharsets.UTF_8)).contains(wrongPassword));
        List<byte[]> secrets = jdbc.queryForList("SELECT ciphertext FROM secret", byte[].class);
        assertThat(secrets).noneSatisfy(ciphertext ->
                assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1)).contains(wrongPassword));
    }

    @Test
    void anUnreachableServiceStaysPendingWithTheReason() {
        String id = ApiClient.registeredId(web, ApiClient.kafkaService(uniqueName(), "127.0.0.1:1",
                "http://127.0.0.1:1"));
        get(web, "/managed-services/" + id).expectStatus().isOk()
                .expectBody().jsonPath("$.status").isEqualTo("Pending")
                .jsonPath("$.addons").isEqualTo(List.of("kafka-connect"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> get(web, "/managed-services/" + id)
                .expectBody().jsonPath("$.status_reason").value(reason -> assertThat((String) reason)
                        .isEqualTo("could not connect to Kafka at 127.0.0.1:1: connection refused")));
    }

    @Test
    void registrationRulesAre400sNamingTheField() {
        Map<String, Object> valid = ApiClient.postgresService(uniqueName(), "10.0.0.5", 5432, "admin", "pw");
        assertRefused(with(valid, "zone", "mars-1"), "zone");
        assertRefused(without(valid, "zone"), "zone");
        assertRefused(with(valid, "database_type", "mysql"), "database_type");
        assertRefused(with(valid, "name", "bad name"), "name");
        assertRefused(with(valid, "postgresql", Map.of("hosts", List.of(), "admin_user", "a", "admin_password", "p")),
                "postgresql.hosts");
        assertRefused(with(valid, "postgresql", Map.of(
                "hosts", List.of(Map.of("host", "10.0.0.5", "port", 70000)), "admin_user", "a", "admin_password", "p")),
                "postgresql.hosts[0].port");
        assertRefused(with(valid, "postgresql", Map.of(
                "hosts", List.of(Map.of("host", "a", "port", 1), Map.of("host", "b", "port", 2)),
                "admin_user", "a", "admin_password", "p")), "postgresql.hosts");
        assertRefused(with(valid, "postgresql", Map.of(
                "hosts", List.of(Map.of("host", "a", "port", 1)), "admin_user", "a")), "postgresql.admin_password");
        assertRefused(with(valid, "kafka", Map.of("bootstrap_servers", "a:1")), "kafka");

        Map<String, Object> kafka = ApiClient.kafkaService(uniqueName(), "10.0.0.7:9092", "http://10.0.0.8:8083");
        assertRefused(with(kafka, "addons", List.of()), "kafka.kafka_connect");
        assertRefused(with(kafka, "addons", List.of("flink")), "addons[0]");
        assertRefused(with(kafka, "kafka", Map.of("bootstrap_servers", "not a list")), "kafka.bootstrap_servers");
        assertRefused(with(kafka, "kafka", Map.of("bootstrap_servers", "a:1",
                "kafka_connect", Map.of("url", "ftp://x"))), "kafka.kafka_connect.url");
        assertRefused(with(kafka, "kafka", Map.of("bootstrap_servers", "a:1", "kafka_connect",
                Map.of("url", "http://x:8083", "plugin_installation", "shared_directory"))),
                "kafka.kafka_connect.plugin_path");
        assertRefused(with(kafka, "kafka", Map.of("bootstrap_servers", "a:1", "kafka_connect",
                Map.of("url", "http://x:8083"))), "kafka.kafka_connect.secrets_directory");
        get(web, "/managed-services").expectBody().jsonPath("$.length()").isEqualTo(existingServices());
    }

    @Test
    void tlsSettingsAre400sNamingTheFieldWithoutRepeatingTheCertificate() {
        Map<String, Object> valid = ApiClient.postgresService(uniqueName(), "10.0.0.5", 5432, "admin", "pw");
        String authority = LocalCertificateAuthority.generate("api test").certificatePem();
        String key = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n"
                + "-----END PRIVATE KEY-----\n";

        assertRefused(withTls(valid, "prefer", null), "postgresql.ssl_mode",
                "must be one of [disable, require, verify-ca, verify-full]");
        assertRefused(withTls(valid, "verify-full", null), "postgresql.ca_certificate",
                "is required with ssl_mode verify-full");
        assertRefused(withTls(valid, "verify-ca", "not a certificate"), "postgresql.ca_certificate",
                "must be PEM");
        assertRefused(withTls(valid, "require", authority), "postgresql.ca_certificate",
                "is only used with ssl_mode verify-ca or verify-full");
        String answer = post(web, "/managed-services", withTls(valid, "verify-full", authority + key))
                .expectStatus().isBadRequest()
                .expectBody(String.class).returnResult().getResponseBody();
        assertThat(answer).contains("postgresql.ca_certificate").contains("PRIVATE KEY block")
                .doesNotContain("MIGHAgEA");
        get(web, "/managed-services").expectBody().jsonPath("$.length()").isEqualTo(existingServices());

        String verifying = ApiClient.registeredId(web, withTls(valid, "verify-full", authority));
        get(web, "/managed-services/" + verifying).expectBody()
                .jsonPath("$.postgresql.ssl_mode").isEqualTo("verify-full")
                .jsonPath("$.postgresql.ca_certificate_sha256.length()").isEqualTo(1)
                .jsonPath("$.postgresql.ca_certificate").doesNotExist();
    }

    @Test
    void endpointsAreCheckedAgainstTheOperatorsPolicy() {
        PostgresServer controlPlane = ControlPlaneDatabase.server();
        assertRefused(ApiClient.postgresService(uniqueName(), controlPlane.host(), controlPlane.port(), "postgres",
                "pw"), "postgresql.hosts[0].host", "must not be the control plane's own database");
        assertRefused(ApiClient.postgresService(uniqueName(), "169.254.169.254", 5432, "admin", "pw"),
                "postgresql.hosts[0].host", "169.254.0.0/16");
        assertRefused(ApiClient.kafkaService(uniqueName(), "10.0.0.7:9092", "http://10.0.0.8:8083/#"),
                "kafka.kafka_connect.url", "must not have a query or a fragment");
        assertRefused(ApiClient.kafkaService(uniqueName(), controlPlane.host() + ":" + controlPlane.port(),
                "http://10.0.0.8:8083"), "kafka.bootstrap_servers", "own database");
        assertRefused(with(ApiClient.kafkaService(uniqueName(), "10.0.0.7:9092", "http://10.0.0.8:8083"), "kafka",
                Map.of("bootstrap_servers", "10.0.0.7:9092", "kafka_connect", Map.of("url", "http://10.0.0.8:8083",
                        "plugin_installation", "shared_directory", "plugin_path", "/etc/connect-plugins",
                        "secrets_directory", "/run/connect-secrets"))),
                "kafka.kafka_connect.plugin_path", "must be under one of the allowed roots");
        get(web, "/managed-services").expectBody().jsonPath("$.length()").isEqualTo(existingServices());
    }

    @Test
    void namesAreUniquePerOrganization() {
        Map<String, Object> service = ApiClient.kafkaService(uniqueName(), "10.0.0.7:9092", "http://10.0.0.8:8083");
        post(web, "/managed-services", service).expectStatus().isAccepted();
        post(web, "/managed-services", service).expectStatus().isEqualTo(409)
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void deregisteringAnUnusedServiceRemovesIt() {
        String id = ApiClient.registeredId(web, ApiClient.kafkaService(uniqueName(), "10.0.0.7:9092",
                "http://10.0.0.8:8083"));
        delete(web, "/managed-services/" + id).expectStatus().isNoContent();
        get(web, "/managed-services/" + id).expectStatus().isNotFound();
        delete(web, "/managed-services/" + id).expectStatus().isNotFound();
    }

    private int existingServices() {
        return jdbc.queryForObject("SELECT count(*) FROM service_registry", Integer.class);
    }

    private void assertRefused(Map<String, Object> request, String field, String rule) {
        post(web, "/managed-services", request)
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.field").isEqualTo(field)
                .jsonPath("$.rule").value(text -> assertThat((String) text).contains(rule));
    }

    private void assertRefused(Map<String, Object> request, String field) {
        post(web, "/managed-services", request)
                .expectStatus().isBadRequest()
                .expectHeader().contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.field").isEqualTo(field).jsonPath("$.rule").isNotEmpty();
    }

    private static Map<String, Object> with(Map<String, Object> request, String field, Object value) {
        Map<String, Object> changed = new HashMap<>(request);
        changed.put("name", uniqueName());
        changed.put(field, value);
        return changed;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withTls(Map<String, Object> request, String sslMode, String caCertificate) {
        Map<String, Object> postgresql = new HashMap<>((Map<String, Object>) request.get("postgresql"));
        postgresql.put("ssl_mode", sslMode);
        if (caCertificate != null) {
            postgresql.put("ca_certificate", caCertificate);
        }
        return with(request, "postgresql", postgresql);
    }

    private static Map<String, Object> without(Map<String, Object> request, String field) {
        Map<String, Object> changed = new HashMap<>(request);
        changed.put("name", uniqueName());
        changed.remove(field);
        return changed;
    }

    private static String uniqueName() {
        return "svc-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
