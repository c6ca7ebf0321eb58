package io.pipewright.app.query;

import static io.pipewright.app.query.Fixtures.ORGANIZATION;
import static io.pipewright.app.query.Fixtures.OTHER_ORGANIZATION;
import static io.pipewright.app.query.Fixtures.kafkaRegistered;
import static io.pipewright.app.query.Fixtures.postgresRegistered;
import static io.pipewright.app.query.ControlPlaneApi.fieldNames;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.kernel.query.FindManagedService;
import io.pipewright.kernel.query.ManagedServiceView;
import io.pipewright.kernel.service.ManagedServiceDeregistered;
import io.pipewright.kernel.service.ManagedServiceRegistered;
import io.pipewright.kernel.service.ManagedServiceStatusChanged;
import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceStatus;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Closed after the class: its database is its own, and an idle context still holds connections and threads. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureWebTestClient(timeout = "PT30S")
@DirtiesContext
class ManagedServiceViewsTest {

    private static final Instant T0 = Instant.parse("2026-06-22T09:00:00Z");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
    }

    @Autowired
    WebTestClient web;
    @Autowired
    EventStore eventStore;
    @Autowired
    QueryGateway queries;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    EventProcessingConfiguration processing;

    private final ObjectMapper json = new ObjectMapper();
    private ControlPlaneApi api;
    private Projected projected;

    @BeforeEach
    void setUp() {
        Projected.onlyProjectionsRun(processing);
        api = new ControlPlaneApi(web);
        projected = new Projected(jdbc);
    }

    /**
     * The CA certificate only as its fingerprint (lists stay small), the SSL mode as registered; the password not even
     * as its reference.
     */
    @Test
    void aPostgresqlServiceShowsItsDescriptionAndConnectionButNoPassword() throws Exception {
        UUID id = UUID.randomUUID();
        ManagedServiceRegistered registered = postgresRegistered(id, ORGANIZATION, "orders-pg", T0);
        EventHistory.ofService(eventStore, id).append(registered, "test-admin");

        JsonNode view = applied(id, T0);

        assertThat(fieldNames(view)).containsExactly("id", "organization_id", "name", "database_type", "version",
                "zone", "peering_region", "plan_name", "storage_size_gb", "storage_tier", "addons", "status",
                "status_reason", "addon_status", "postgresql", "kafka", "created_at", "updated_at");
        assertThat(view.get("id").asText()).isEqualTo(id.toString());
        assertThat(view.get("organization_id").asText()).isEqualTo(ORGANIZATION.toString());
        assertThat(view.get("name").asText()).isEqualTo("orders-pg");
        assertThat(view.get("database_type").asText()).isEqualTo("postgresql");
        assertThat(view.get("version").asText()).isEqualTo("17");
        assertThat(view.get("zone").asText()).isEqualTo("se-sto1");
        assertThat(view.get("peering_region").asText()).isEqualTo("europe");
        assertThat(view.get("plan_name").asText()).isEqualTo("tier-2");
        assertThat(view.get("storage_size_gb").asInt()).isEqualTo(100);
        assertThat(view.get("storage_tier").asText()).isEqualTo("maxiops");
        assertThat(view.get("addons")).isEmpty();
        assertThat(view.get("status").asText()).isEqualTo("Pending");
        assertThat(view.get("status_reason").isNull()).isTrue();
        assertThat(view.get("addon_status")).isEmpty();
        assertThat(view.get("postgresql")).isEqualTo(json.valueToTree(Map.of(
                "hosts", List.of(Map.of("host", "10.0.0.5", "port", 5432, "role", "primary"),
                        Map.of("host", "10.0.0.6", "port", 5432, "role", "standby")),
                "admin_database", "postgres",
                "admin_user", "pipewright_admin",
                "hba_management", "superuser_sql",
                "ssl_mode", "verify-full",
                "ca_certificate_sha256", List.of(sha256Fingerprint(Fixtures.CA_CERTIFICATE)))));
        String certificateBody = Fixtures.CA_CERTIFICATE.lines().skip(1).findFirst().orElseThrow();
        assertThat(view.toString()).doesNotContain(certificateBody).doesNotContain("BEGIN CERTIFICATE");
        assertThat(view.get("kafka").isNull()).isTrue();
        assertThat(view.get("created_at").asText()).isEqualTo(T0.toString());
        assertThat(view.get("updated_at").asText()).isEqualTo(T0.toString());
        String secretId = registered.postgres().adminPassword().id().toString();
        assertThat(view.toString()).doesNotContain(secretId).doesNotContainIgnoringCase("password");
    }

    @Test
    void aKafkaServiceShowsItsConnectAddonAndItsProbedStatus() throws Exception {
        UUID id = UUID.randomUUID();
        EventHistory history = EventHistory.ofService(eventStore, id)
                .append(kafkaRegistered(id, ORGANIZATION, "events-kafka", T0), "test-admin");

        JsonNode registered = applied(id, T0);
        assertThat(registered.get("database_type").asText()).isEqualTo("kafka");
        assertThat(registered.get("addons")).isEqualTo(json.valueToTree(List.of("kafka-connect")));
        assertThat(registered.get("addon_status")).isEqualTo(json.valueToTree(Map.of("kafka-connect", "Pending")));
        assertThat(registered.get("postgresql").isNull()).isTrue();
        assertThat(registered.get("kafka")).isEqualTo(json.readTree("""
                {"bootstrap_servers": "10.0.1.5:9092",
                 "kafka_connect": {"url": "http://10.0.1.5:8083", "plugin_installation": "shared_directory",
                                   "plugin_path": "/opt/kafka-connect/plugins",
                                   "secrets_directory": "/run/connect-secrets", "username": null,
                                   "ca_certificate": null},
                 "security_protocol": "PLAINTEXT", "sasl_mechanism": null, "username": null,
                 "ca_certificate": null}"""));

        history.append(new ManagedServiceStatusChanged(id, ServiceStatus.RUNNING, "Kafka Connect is not reachable",
                Map.of(ServiceDescription.KAFKA_CONNECT_ADDON, ServiceStatus.FAILED), T0.plusSeconds(60)), "prober");
        JsonNode degraded = applied(id, T0.plusSeconds(60));
        assertThat(degraded.get("status").asText()).isEqualTo("Running");
        assertThat(degraded.get("status_reason").asText()).isEqualTo("Kafka Connect is not reachable");
        assertThat(degraded.get("addon_status")).isEqualTo(json.valueToTree(Map.of("kafka-connect", "Failed")));
        assertThat(degraded.get("created_at").asText()).isEqualTo(T0.toString());

        history.append(new ManagedServiceStatusChanged(id, ServiceStatus.RUNNING, null,
                Map.of(ServiceDescription.KAFKA_CONNECT_ADDON, ServiceStatus.RUNNING), T0.plusSeconds(120)), "prober");
        JsonNode running = applied(id, T0.plusSeconds(120));
        assertThat(running.get("status_reason").isNull()).isTrue();
        assertThat(running.get("addon_status")).isEqualTo(json.valueToTree(Map.of("kafka-connect", "Running")));
    }

    @Test
    void aDeregisteredServiceIsGone() {
        UUID id = UUID.randomUUID();
        EventHistory history = EventHistory.ofService(eventStore, id)
                .append(postgresRegistered(id, ORGANIZATION, "leaving-pg", T0), "test-admin");
        applied(id, T0);
        assertThat(listedIds()).contains(id.toString());

        history.append(new ManagedServiceDeregistered(id, T0.plusSeconds(60)), "test-admin");
        projected.awaitService(id);

        api.expectNotFound("/managed-services/" + id);
        assertThat(listedIds()).doesNotContain(id.toString());
    }

    @Test
    void theListShowsTheServicesOfTheCallersOrganizationsOnly() {
        UUID mine = UUID.randomUUID();
        UUID foreign = UUID.randomUUID();
        EventHistory.ofService(eventStore, foreign)
                .append(postgresRegistered(foreign, OTHER_ORGANIZATION, "foreign-pg", T0), "someone");
        EventHistory.ofService(eventStore, mine)
                .append(kafkaRegistered(mine, ORGANIZATION, "mine-kafka", T0), "test-admin");
        projected.awaitService(mine);
        projected.awaitService(foreign);

        JsonNode list = api.get("/managed-services");
        assertThat(listedIds()).contains(mine.toString()).doesNotContain(foreign.toString());
        for (JsonNode service : list) {
            assertThat(service.get("organization_id").asText()).isEqualTo(ORGANIZATION.toString());
        }
        api.expectNotFound("/managed-services/" + foreign);
        api.expectNotFound("/managed-services/" + UUID.randomUUID());
    }

    @Test
    void findManagedServiceAnswersTheViewOfTheOrganizationOrNothing() throws Exception {
        UUID id = UUID.randomUUID();
        EventHistory.ofService(eventStore, id)
                .append(postgresRegistered(id, ORGANIZATION, "queried-pg", T0), "test-admin");
        applied(id, T0);

        Optional<ManagedServiceView> found = findService(ORGANIZATION, id);
        assertThat(found).isPresent();
        assertThat(found.get().name()).isEqualTo("queried-pg");
        assertThat(found.get().postgresql().hosts()).hasSize(2);
        assertThat(findService(OTHER_ORGANIZATION, id)).isEmpty();
        assertThat(findService(ORGANIZATION, UUID.randomUUID())).isEmpty();
    }

    /** As {@code openssl x509 -noout -fingerprint -sha256} prints it. */
    private static String sha256Fingerprint(String pem) throws Exception {
        Certificate certificate = CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        return HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    }

    private Optional<ManagedServiceView> findService(UUID organizationId, UUID serviceId) throws Exception {
        return queries.query(new FindManagedService(organizationId, serviceId),
                ResponseTypes.optionalInstanceOf(ManagedServiceView.class)).get(10, TimeUnit.SECONDS);
    }

    /** The service once its last event, which happened {@code at}, is projected. */
    private JsonNode applied(UUID serviceId, Instant at) {
        projected.awaitService(serviceId);
        JsonNode view = api.get("/managed-services/" + serviceId);
        assertThat(view.get("updated_at").asText()).isEqualTo(at.toString());
        return view;
    }

    private List<String> listedIds() {
        return StreamSupport.stream(api.get("/managed-services").spliterator(), false)
                .map(service -> service.get("id").asText())
                .toList();
    }
}
