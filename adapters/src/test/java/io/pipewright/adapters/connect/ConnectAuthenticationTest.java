package io.pipewright.adapters.connect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.adapters.support.AuthenticatingConnect;
import io.pipewright.adapters.support.InMemoryVault;
import io.pipewright.adapters.support.LocalEndpoints;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.PluginInstallation;
import io.pipewright.localstack.LoopbackCertificates;
import java.util.Base64;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The Connect client against a Kafka Connect REST API that needs HTTPS and Basic authentication: a stand-in
 * ({@link AuthenticatingConnect}), since the local stack's worker serves plain http without authentication. The
 * registered credentials go with every request, the worker's certificate is verified against the registered CA, and
 * a refusal of either says which, without the password, as a failure no retry passes.
 */
class ConnectAuthenticationTest {

    private static final String USER = "connect-admin";
    private static final String PASSWORD = "connect-secret-" + System.nanoTime();

    private final InMemoryVault vault = new InMemoryVault();
    private final ConnectClient connect = new ConnectClient(WebClient.builder(), LocalEndpoints.POLICY,
            ExternalCallLimits.defaults(), vault);
    private final AuthenticatingConnect worker = new AuthenticatingConnect(USER, PASSWORD);

    @AfterEach
    void stop() {
        worker.close();
    }

    @Test
    void theRegisteredCredentialsAndCaReachTheWorker() {
        KafkaConnectEndpoint registered = endpoint(USER, PASSWORD, worker.caCertificate());

        connect.ping(registered);

        assertThat(connect.connectorsWithStatusAndConfig(registered)).isEmpty();
        assertThat(worker.authorizations()).containsOnly("Basic " + Base64.getEncoder().encodeToString(
                (USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aWrongPasswordIsARefusalNamingTheUserNotThePassword() {
        String wrong = "wrong-" + PASSWORD;

        assertThatThrownBy(() -> connect.ping(endpoint(USER, wrong, worker.caCertificate())))
                .isInstanceOfSatisfying(ConnectCallFailed.class, failed -> assertThat(failed.cannotSucceed()).isTrue())
                .hasMessage("Kafka Connect at " + worker.url() + " refused the credentials of user connect-admin "
                        + "(HTTP 401): authentication failed, check kafka.kafka_connect.username and password")
                .message().doesNotContain(wrong);
    }

    @Test
    void noCredentialsWhereTheWorkerNeedsThemSaysSo() {
        assertThatThrownBy(() -> connect.connectorsWithStatusAndConfig(endpoint(null, null, worker.caCertificate())))
                .isInstanceOfSatisfying(ConnectCallFailed.class, failed -> assertThat(failed.cannotSucceed()).isTrue())
                .hasMessage("Kafka Connect at " + worker.url() + " requires credentials (HTTP 401): register "
                        + "kafka.kafka_connect.username and password");
        assertThat(worker.authorizations()).containsExactly((String) null);
    }

    @Test
    void aCertificateTheRegisteredCaDidNotSignIsRefusedBeforeAnyCredentialIsSent() {
        String otherCa = LoopbackCertificates.generate("not the worker's CA").caCertificate();

        assertThatThrownBy(() -> connect.ping(endpoint(USER, PASSWORD, otherCa)))
                .isInstanceOfSatisfying(ConnectCallFailed.class, failed -> assertThat(failed.cannotSucceed()).isTrue())
                .hasMessage("the TLS certificate of Kafka Connect at " + worker.url()
                        + " could not be verified against the registered kafka.kafka_connect.ca_certificate");
        assertThatThrownBy(() -> connect.ping(endpoint(USER, PASSWORD, null)))
                .hasMessage("the TLS certificate of Kafka Connect at " + worker.url() + " could not be verified "
                        + "against the JVM's trusted CAs (register kafka.kafka_connect.ca_certificate if a private CA "
                        + "signed it)");
        assertThat(worker.authorizations()).isEmpty();
    }

    private KafkaConnectEndpoint endpoint(String username, String password, String caCertificate) {
        return new KafkaConnectEndpoint(worker.url(), PluginInstallation.PREINSTALLED, null, null, username,
                password == null ? null : vault.vaulted(password), caCertificate);
    }
}
