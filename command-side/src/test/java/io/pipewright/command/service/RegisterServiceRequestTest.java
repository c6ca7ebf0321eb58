package io.pipewright.command.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pipewright.command.web.FieldViolation;
import io.pipewright.command.web.InvalidRequest;
import io.pipewright.kernel.policy.EndpointPolicy;
import io.pipewright.kernel.policy.HostPathPolicy;
import io.pipewright.kernel.service.RegisterManagedService;
import io.pipewright.kernel.service.SslMode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A registration's hosts, URLs and host paths against the operator's policies, the caps on hosts, and a PostgreSQL
 * service's TLS settings.
 */
class RegisterServiceRequestTest {

    private static final PeeringRegions REGIONS = new PeeringRegions() {
        @Override
        public Optional<String> regionOf(String zone) {
            return Optional.of("local").filter(region -> zone.equals("local"));
        }

        @Override
        public Map<String, List<String>> zonesByRegion() {
            return Map.of("local", List.of("local"));
        }
    };
    private static final List<EndpointPolicy.OwnEndpoint> OWN_DATABASE =
            EndpointPolicy.endpointsOfJdbcUrl("jdbc:postgresql://127.0.0.1:5433/pipewright");
    private static final EndpointPolicy DEFAULT_ENDPOINTS =
            new EndpointPolicy(List.of(), EndpointPolicy.DEFAULT_DENIED, OWN_DATABASE);
    private static final EndpointPolicy LOOPBACK_ALLOWED =
            new EndpointPolicy(List.of("127.0.0.0/8"), EndpointPolicy.DEFAULT_DENIED, OWN_DATABASE);
    /** A self-signed EC authority made with openssl for the tests, valid until 2126. */
    private static final String AUTHORITY = """
            -----BEGIN CERTIFICATE-----
            MIIBoDCCAUegAwIBAgIUbG9ERrHGFyIuxw3E8szn6qtDrEMwCgYIKoZIzj0EAwIw
            JTEjMCEGA1UEAwwaUGlwZXdyaWdodCB0ZXN0IGZpeHR1cmUgQ0EwIBcNMjYxMTI1
            MjI1NzM3WhgPMjEyNjExMDEyMjU3MzdaMCUxIzAhBgNVBAMMGlBpcGV3cmlnaHQg
            dGVzdCBmaXh0dXJlIENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE69NpdTak
            43FiftDU4ay4QExu8CSM3+Jdq1BVGQAQaT9t45SPJDP63N0EDwJ2r/0fmo+61pdJ
            7JdfoOQCUlID4KNTMFEwHQYDVR0OBBYEFNEuEHqnp/UncFW3F49L8U0kyK1IMB8G
            A1UdIwQYMBaAFNEuEHqnp/UncFW3F49L8U0kyK1IMA8GA1UdEwEB/wQFMAMBAf8w
            CgYIKoZIzj0EAwIDRwAwRAIgNFBsKGrWWWVVJ/IugP5XiIdCy102Q/dq4I4ZJCrH
            +AkCIFda1dy7ybfu2PqOBkN7lp9lk1JHQm/KoVk3n3/NbX9r
            -----END CERTIFICATE-----
            """;
    private static final HostPathPolicy NO_HOST_PATHS = new HostPathPolicy(List.of());
    private static final HostPathPolicy CONNECT_ROOTS =
            new HostPathPolicy(List.of("/opt/connect-plugins", "/run/connect-secrets"));

    @Test
    void theControlPlanesOwnDatabaseIsRefusedEvenWhereLoopbackIsAllowed() {
        assertThat(violations(postgres(List.of(host("127.0.0.1", 5433)), "superuser_sql"), LOOPBACK_ALLOWED,
                CONNECT_ROOTS)).containsExactly(new FieldViolation("postgresql.hosts[0].host",
                "must not be the control plane's own database"));
        assertThat(violations(postgres(List.of(host("127.0.0.1", 5432)), "superuser_sql"), LOOPBACK_ALLOWED,
                CONNECT_ROOTS)).isEmpty();
        assertThat(violations(kafka("10.0.0.7:9092,127.0.0.1:5433", "http://10.0.0.8:8083", null), LOOPBACK_ALLOWED,
                CONNECT_ROOTS)).extracting(FieldViolation::field).containsExactly("kafka.bootstrap_servers");
    }

    @Test
    void deniedHostsAreRefusedNamingTheField() {
        assertThat(violations(postgres(List.of(host("10.0.0.5", 5432), host("169.254.169.254", 5432)),
                "superuser_sql"), DEFAULT_ENDPOINTS, CONNECT_ROOTS)).extracting(FieldViolation::field)
                .containsExactly("postgresql.hosts[1].host");
        assertThat(violations(postgres(List.of(host("localhost", 5432)), "superuser_sql"), DEFAULT_ENDPOINTS,
                CONNECT_ROOTS)).extracting(FieldViolation::field).containsExactly("postgresql.hosts[0].host");
        assertThat(violations(kafka("127.0.0.1:9092", "http://10.0.0.8:8083", null), DEFAULT_ENDPOINTS, CONNECT_ROOTS))
                .extracting(FieldViolation::field).containsExactly("kafka.bootstrap_servers");
        assertThat(violations(kafka("10.0.0.7:9092", "http://169.254.169.254/latest", null), DEFAULT_ENDPOINTS,
                CONNECT_ROOTS)).extracting(FieldViolation::field).containsExactly("kafka.kafka_connect.url");
    }

    @Test
    void connectUrlsAreHttpWithoutUserInfoQueryOrFragment() {
        for (String url : List.of("http://10.0.0.8:8083/#", "http://10.0.0.8:8083/?x=", "http://u:p@10.0.0.8:8083",
                "ftp://10.0.0.8", "http://10.0.0.8/../x")) {
            assertThat(violations(kafka("10.0.0.7:9092", url, null), DEFAULT_ENDPOINTS, CONNECT_ROOTS)).as(url)
                    .extracting(FieldViolation::field).containsExactly("kafka.kafka_connect.url");
        }
        RegisterManagedService command = kafka("10.0.0.7:9092", "http://10.0.0.8:8083/base/", null)
                .toCommand(UUID.randomUUID(), UUID.randomUUID(), policies(DEFAULT_ENDPOINTS, CONNECT_ROOTS));
        assertThat(command.kafka().connect().url()).isEqualTo("http://10.0.0.8:8083/base");
    }

    @Test
    void hostPathsMustBeUnderTheAllowedRootsAndNoneAreAllowedByDefault() {
        assertThat(violations(kafka("10.0.0.7:9092", "http://10.0.0.8:8083", "/opt/connect-plugins"),
                DEFAULT_ENDPOINTS, NO_HOST_PATHS)).extracting(FieldViolation::field)
                .containsExactly("kafka.kafka_connect.plugin_path", "kafka.kafka_connect.secrets_directory");
        assertThat(violations(postgres(List.of(host("10.0.0.5", 5432)), "file"), DEFAULT_ENDPOINTS, NO_HOST_PATHS))
                .extracting(FieldViolation::field).containsExactly("postgresql.hba_management");
        assertThat(violations(postgres(List.of(host("10.0.0.5", 5432)), "file"), DEFAULT_ENDPOINTS, CONNECT_ROOTS))
                .isEmpty();
        assertThat(violations(kafka("10.0.0.7:9092", "http://10.0.0.8:8083", "/etc"), DEFAULT_ENDPOINTS,
                CONNECT_ROOTS)).extracting(FieldViolation::field).containsExactly("kafka.kafka_connect.plugin_path");
        assertThat(violations(kafka("10.0.0.7:9092", "http://10.0.0.8:8083", "/opt/connect-plugins/tenant-a"),
                DEFAULT_ENDPOINTS, CONNECT_ROOTS)).isEmpty();
    }

    @Test
    void aServiceListsAtMostSixteenHosts() {
        List<Map<String, Object>> seventeen = IntStream.rangeClosed(1, 17)
                .mapToObj(i -> host("10.0.0." + i, 5432)).toList();
        assertThat(violations(postgres(seventeen, "superuser_sql"), DEFAULT_ENDPOINTS, CONNECT_ROOTS))
                .contains(new FieldViolation("postgresql.hosts", "must list at most 16 hosts"));
        assertThat(violations(postgres(seventeen.subList(0, 16), "superuser_sql"), DEFAULT_ENDPOINTS, CONNECT_ROOTS))
                .isEmpty();
        String servers = String.join(",", IntStream.rangeClosed(1, 17).mapToObj(i -> "10.0.1." + i + ":9092").toList());
        assertThat(violations(kafka(servers, "http://10.0.0.8:8083", null), DEFAULT_ENDPOINTS, CONNECT_ROOTS))
                .contains(new FieldViolation("kafka.bootstrap_servers", "must list at most 16 servers"));
    }

    @Test
    void sslModeIsRequireUnlessAskedAndTheVerifyingModesCarryTheirAuthority() {
        RegisterManagedService unasked = postgresWithTls(null, null)
                .toCommand(UUID.randomUUID(), UUID.randomUUID(), policies(DEFAULT_ENDPOINTS, CONNECT_ROOTS));
        assertThat(unasked.postgres().sslMode()).isEqualTo(SslMode.REQUIRE);
        assertThat(unasked.postgres().caCertificate()).isNull();

        for (SslMode mode : List.of(SslMode.VERIFY_CA, SslMode.VERIFY_FULL)) {
            RegisterManagedService verifying = postgresWithTls(mode.wireName(), AUTHORITY)
                    .toCommand(UUID.randomUUID(), UUID.randomUUID(), policies(DEFAULT_ENDPOINTS, CONNECT_ROOTS));
            assertThat(verifying.postgres().sslMode()).isEqualTo(mode);
            assertThat(verifying.postgres().caCertificate()).isEqualTo(AUTHORITY);
        }
        assertThat(violations(postgresWithTls("disable", null), DEFAULT_ENDPOINTS, CONNECT_ROOTS)).isEmpty();
    }

    @Test
    void anUnknownSslModeOrAMisplacedOrBrokenAuthorityIsRefusedNamingTheField() {
        assertThat(violations(postgresWithTls("prefer", null), DEFAULT_ENDPOINTS, CONNECT_ROOTS)).containsExactly(
                new FieldViolation("postgresql.ssl_mode",
                        "must be one of [disable, require, verify-ca, verify-full]"));
        assertThat(violations(postgresWithTls("verify-full", null), DEFAULT_ENDPOINTS, CONNECT_ROOTS))
                .containsExactly(new FieldViolation("postgresql.ca_certificate",
                        "is required with ssl_mode verify-full"));
        assertThat(violations(postgresWithTls("require", AUTHORITY), DEFAULT_ENDPOINTS, CONNECT_ROOTS))
                .containsExactly(new FieldViolation("postgresql.ca_certificate",
                        "is only used with ssl_mode verify-ca or verify-full"));
        assertThat(violations(postgresWithTls("verify-ca", "-----BEGIN CERTIFICATE-----\nAAAA\n"
                + "-----END CERTIFICATE-----\n"), DEFAULT_ENDPOINTS, CONNECT_ROOTS)).containsExactly(
                new FieldViolation("postgresql.ca_certificate",
                        "certificate 1 of 1 is not a valid X.509 certificate"));
        assertThat(violations(postgresWithTls("verify-full", AUTHORITY + "-----BEGIN PRIVATE KEY-----\nMIGH\n"
                + "-----END PRIVATE KEY-----\n"), DEFAULT_ENDPOINTS, CONNECT_ROOTS)).containsExactly(
                new FieldViolation("postgresql.ca_certificate",
                        "must hold only CERTIFICATE blocks (it holds a PRIVATE KEY block)"));
    }

    private static List<FieldViolation> violations(RegisterServiceRequest request, EndpointPolicy endpoints,
                                                   HostPathPolicy hostPaths) {
        InvalidRequest refused = catchThrowableOfType(InvalidRequest.class,
                () -> request.toCommand(UUID.randomUUID(), UUID.randomUUID(), policies(endpoints, hostPaths)));
        return refused == null ? List.of() : refused.violations();
    }

    private static RegisterServiceRequest.Policies policies(EndpointPolicy endpoints, HostPathPolicy hostPaths) {
        return new RegisterServiceRequest.Policies(REGIONS, endpoints, hostPaths);
    }

    private static Map<String, Object> host(String host, int port) {
        return Map.of("host", host, "port", port);
    }

    private static RegisterServiceRequest postgres(List<Map<String, Object>> hosts, String hbaManagement) {
        return postgres(hosts, hbaManagement, null, null);
    }

    private static RegisterServiceRequest postgres(List<Map<String, Object>> hosts, String hbaManagement,
                                                   String sslMode, String caCertificate) {
        List<RegisterServiceRequest.Host> nodes = IntStream.range(0, hosts.size())
                .mapToObj(i -> new RegisterServiceRequest.Host((String) hosts.get(i).get("host"),
                        (Integer) hosts.get(i).get("port"), i == 0 ? "primary" : "standby")).toList();
        return new RegisterServiceRequest("orders-pg", "postgresql", "17", "local", null, null, null, null,
                new RegisterServiceRequest.Postgresql(nodes, "postgres", "admin", "secret", hbaManagement, sslMode,
                        caCertificate), null);
    }

    private static RegisterServiceRequest postgresWithTls(String sslMode, String caCertificate) {
        return postgres(List.of(host("10.0.0.5", 5432)), "superuser_sql", sslMode, caCertificate);
    }

    private static RegisterServiceRequest kafka(String bootstrapServers, String connectUrl, String pluginPath) {
        return new RegisterServiceRequest("events", "kafka", "4.3", "local", null, null, null,
                List.of("kafka-connect"), null, new RegisterServiceRequest.Kafka(bootstrapServers,
                new RegisterServiceRequest.KafkaConnect(connectUrl,
                        pluginPath == null ? "preinstalled" : "shared_directory", pluginPath, "/run/connect-secrets",
                        null, null, null), null, null, null, null, null));
    }
}
