package io.pipewright.adapters.connect;

import io.pipewright.adapters.limits.ExternalCallLimits;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.adapters.support.InMemoryVault;
import io.pipewright.adapters.support.LocalEndpoints;
import io.pipewright.kernel.policy.EndpointPolicy;
import io.pipewright.kernel.policy.EndpointRefused;
import io.pipewright.kernel.service.HbaManagement;
import io.pipewright.kernel.service.NodeRole;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.kernel.service.SslMode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The endpoint policy is checked again right before each connection, not only at registration: a host that is denied
 * now (its name re-resolved, or the operator's settings changed) is never connected to. A listening socket in the
 * test tells whether a connection was attempted.
 */
class EndpointChecksAtUseTest {

    private static final InMemoryVault VAULT = new InMemoryVault();
    private static final EndpointPolicy DEFAULTS = new EndpointPolicy(List.of(), EndpointPolicy.DEFAULT_DENIED,
            List.of());

    private ServerSocket listener;

    @BeforeEach
    void listen() throws Exception {
        listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        listener.setSoTimeout(1000);
    }

    @AfterEach
    void close() throws Exception {
        listener.close();
    }

    @Test
    void sourceAdminDoesNotConnectToADeniedNode() throws Exception {
        assertThatThrownBy(() -> new SourceAdmin(VAULT, DEFAULTS, ExternalCallLimits.defaults()).connect(source(), node(), "postgres").close())
                .isInstanceOfSatisfying(SQLException.class, refused -> assertThat(refused.getSQLState())
                        .isEqualTo(SourceAdmin.REFUSED_BY_POLICY))
                .hasMessageContaining("127.0.0.0/8");
        assertNoConnectionAttempted();
    }

    @Test
    void sourceAdminConnectsWhereThePolicyAllows() throws Exception {
        Thread client = new Thread(() -> {
            try {
                new SourceAdmin(VAULT, LocalEndpoints.POLICY, ExternalCallLimits.defaults()).connect(source(), node(), "postgres").close();
            } catch (SQLException expected) {
                // The listener is no PostgreSQL: only the attempt matters here.
            }
        });
        client.start();
        assertConnectionAttempted();
    }

    @Test
    void connectClientDoesNotCallADeniedWorker() throws Exception {
        ConnectClient connect = new ConnectClient(WebClient.builder(), DEFAULTS, ExternalCallLimits.defaults(),
                VAULT);

        assertThatThrownBy(() -> connect.pluginClasses(LocalEndpoints.worker("http://127.0.0.1:"
                + listener.getLocalPort())))
                .isInstanceOf(EndpointRefused.class).hasMessageContaining("127.0.0.1:" + listener.getLocalPort());
        assertNoConnectionAttempted();
    }

    @Test
    void deniedBootstrapServersAreRefusedBeforeAKafkaClientConnects() {
        assertThatThrownBy(() -> EndpointCheck.bootstrapServers(DEFAULTS, "10.0.0.7:9092,127.0.0.1:9092"))
                .isInstanceOf(EndpointRefused.class).hasMessageContaining("127.0.0.1:9092");
        EndpointCheck.bootstrapServers(LocalEndpoints.POLICY, "127.0.0.1:9092");
    }

    private void assertNoConnectionAttempted() throws Exception {
        assertThatThrownBy(() -> listener.accept().close()).isInstanceOf(SocketTimeoutException.class);
    }

    private void assertConnectionAttempted() throws Exception {
        listener.setSoTimeout(30_000);
        try (Socket accepted = listener.accept()) {
            assertThat(accepted.isConnected()).isTrue();
        }
    }

    private PostgresNode node() {
        return new PostgresNode("127.0.0.1", listener.getLocalPort(), NodeRole.PRIMARY);
    }

    private PostgresEndpoint source() {
        return new PostgresEndpoint(List.of(node()), "postgres", "admin", VAULT.vaulted("pw"),
                HbaManagement.EXTERNAL, SslMode.REQUIRE, null);
    }
}
