package io.pipewright.kernel.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which hosts and URLs tenants may point the control plane at, with DNS answers played by the test. */
class EndpointPolicyTest {

    private static final List<EndpointPolicy.OwnEndpoint> OWN_DATABASE =
            EndpointPolicy.endpointsOfJdbcUrl("jdbc:postgresql://127.0.0.1:5433/pipewright?sslmode=disable");

    /** Host names and their addresses, as a DNS server would answer them now. */
    private static final Map<String, String> DNS = Map.of(
            "db.tenant.example", "10.0.0.5",
            "rebound.tenant.example", "127.0.0.1",
            "metadata.tenant.example", "169.254.169.254");

    private static EndpointPolicy policy(List<String> allowed, List<String> denied) {
        return new EndpointPolicy(allowed, denied, OWN_DATABASE, host -> {
            if (DNS.containsKey(host)) {
                return new InetAddress[] {InetAddress.getByName(DNS.get(host))};
            }
            if (host.matches("[0-9.]+|.*:.*")) {
                return new InetAddress[] {InetAddress.getByName(host)};
            }
            throw new UnknownHostException(host);
        });
    }

    private static final EndpointPolicy DEFAULTS = policy(List.of(), EndpointPolicy.DEFAULT_DENIED);
    private static final EndpointPolicy LOOPBACK_ALLOWED = policy(List.of("127.0.0.0/8", "::1/128"),
            EndpointPolicy.DEFAULT_DENIED);

    @Test
    void loopbackLinkLocalAndUnspecifiedAreDeniedByDefault() {
        for (String host : List.of("127.0.0.1", "127.1.2.3", "::1", "169.254.169.254", "fe80::1", "0.0.0.0", "::")) {
            assertThat(DEFAULTS.refusal(host, 5432)).as(host).isPresent();
        }
        assertThat(DEFAULTS.refusal("10.0.0.5", 5432)).isEmpty();
        assertThat(DEFAULTS.refusal("db.tenant.example", 5432)).isEmpty();
    }

    @Test
    void aNameIsJudgedByTheAddressesItResolvesTo() {
        assertThat(DEFAULTS.refusal("rebound.tenant.example", 5432)).get().asString()
                .contains("127.0.0.0/8").contains("127.0.0.1");
        assertThat(DEFAULTS.refusal("metadata.tenant.example", 80)).get().asString().contains("169.254.0.0/16");
        assertThatThrownBy(() -> DEFAULTS.check("rebound.tenant.example", 5432)).isInstanceOf(EndpointRefused.class)
                .hasMessageContaining("rebound.tenant.example:5432");
    }

    @Test
    void theControlPlanesOwnDatabaseIsRefusedEvenWhereLoopbackIsAllowed() {
        assertThat(LOOPBACK_ALLOWED.refusal("127.0.0.1", 5433)).contains("must not be the control plane's own database");
        assertThat(LOOPBACK_ALLOWED.refusal("rebound.tenant.example", 5433)).isPresent();
        assertThat(LOOPBACK_ALLOWED.refusal("127.0.0.1", 5434)).isEmpty();
        assertThat(LOOPBACK_ALLOWED.refusal("rebound.tenant.example", 5432)).isEmpty();
    }

    @Test
    void allowedEntriesAreExceptionsAndDenyingEverythingMakesAnAllowList() {
        EndpointPolicy onlyTenNet = policy(List.of("10.0.0.0/8", "*.partner.example"), List.of("0.0.0.0/0", "::/0"));
        assertThat(onlyTenNet.refusal("10.200.0.1", 9092)).isEmpty();
        assertThat(onlyTenNet.refusal("192.168.1.1", 9092)).isPresent();
        assertThat(onlyTenNet.refusal("kafka.partner.example", 9092)).isEmpty();
        assertThat(onlyTenNet.refusal("db.tenant.example", 9092)).isEmpty();
        assertThat(onlyTenNet.refusal("metadata.tenant.example", 9092)).isPresent();
    }

    @Test
    void deniedHostNamesAndSuffixes() {
        EndpointPolicy policy = policy(List.of(), List.of("*.internal.example", "vault.example"));
        assertThat(policy.refusal("db.internal.example", 5432)).isPresent();
        assertThat(policy.refusal("VAULT.example", 8200)).isPresent();
        assertThat(policy.refusal("db.tenant.example", 5432)).isEmpty();
    }

    @Test
    void malformedEntriesStopTheStart() {
        assertThatThrownBy(() -> policy(List.of("10.0.0.0/33"), List.of()))
                .hasMessageContaining("pipewright.endpoints.allowed");
        assertThatThrownBy(() -> policy(List.of(), List.of("not a host")))
                .hasMessageContaining("pipewright.endpoints.denied");
    }

    @Test
    void theOwnDatabaseComesFromTheJdbcUrl() {
        assertThat(EndpointPolicy.endpointsOfJdbcUrl("jdbc:postgresql://db1:6432,db2/pw")).containsExactly(
                new EndpointPolicy.OwnEndpoint("db1", 6432), new EndpointPolicy.OwnEndpoint("db2", 5432));
        assertThat(EndpointPolicy.endpointsOfJdbcUrl("jdbc:postgresql://[::1]:5433/pw"))
                .containsExactly(new EndpointPolicy.OwnEndpoint("::1", 5433));
        assertThat(EndpointPolicy.endpointsOfJdbcUrl(null)).isEmpty();
    }

    @Test
    void connectUrlsArePlainHttpWithAPathThatAnApiPathIsAppendedTo() {
        assertThat(HttpEndpoint.parse("http://connect.example:8083/").toString()).isEqualTo("http://connect.example:8083");
        assertThat(HttpEndpoint.parse("HTTPS://Connect.example//base//").toString())
                .isEqualTo("https://connect.example/base");
        assertThat(HttpEndpoint.parse("http://connect.example").port()).isEqualTo(80);
        for (String url : List.of("http://connect.example:8083/#", "http://connect.example/x?y=1",
                "http://user:pw@connect.example", "ftp://connect.example", "file:///etc/passwd",
                "http://connect.example/../admin", "http://connect.example/a%2F..", "connect.example:8083")) {
            assertThatThrownBy(() -> HttpEndpoint.parse(url)).as(url).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> DEFAULTS.checkUrl("http://127.0.0.1:8083")).isInstanceOf(EndpointRefused.class);
        assertThatThrownBy(() -> DEFAULTS.checkUrl("http://db.tenant.example:8083/#")).isInstanceOf(EndpointRefused.class)
                .hasMessageContaining("fragment");
    }
}
