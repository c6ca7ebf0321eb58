package io.pipewright.adapters.probe;

import io.pipewright.adapters.support.LocalEndpoints;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.pipewright.adapters.connect.ConnectCallFailed;
import io.pipewright.adapters.connect.ConnectClient;
import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.adapters.postgres.SourceAdmin;
import io.pipewright.adapters.support.HostileServer;
import io.pipewright.adapters.support.InMemoryVault;
import io.pipewright.kernel.service.HbaManagement;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.KafkaSecurity;
import io.pipewright.kernel.service.KafkaSecurityProtocol;
import io.pipewright.kernel.service.NodeRole;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.kernel.service.SslMode;
import io.pipewright.sagas.service.ProbeResult;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Every call to an endpoint ends within its bound, with what failed in words, against fake endpoints that accept and
 * never answer, or trickle a byte every 2 s (which a per-read socket timeout alone would wait on for ever).
 */
class ExternalCallBoundsTest {

    private static final Duration TRICKLE = Duration.ofSeconds(2);
    /** Far above every bound below, far below "for ever". */
    private static final Duration ENDS_WITHIN = Duration.ofSeconds(30);
    private static final ExternalCallLimits LIMITS = new ExternalCallLimits(Duration.ofSeconds(1),
            Duration.ofSeconds(3), Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofSeconds(1), true,
            Duration.ofSeconds(3), DataSize.ofKilobytes(64), Duration.ofSeconds(3), Duration.ofSeconds(3));
    private static final InMemoryVault VAULT = new InMemoryVault();
    private static final KafkaSecurity TLS = new KafkaSecurity(KafkaSecurityProtocol.SSL, null, null, null, null);

    private final SourceAdmin admin = new SourceAdmin(VAULT, LocalEndpoints.POLICY, LIMITS);
    private final PostgresProbe postgresProbe = new PostgresProbe(admin);
    private final ConnectClient connect = new ConnectClient(WebClient.builder(), LocalEndpoints.POLICY, LIMITS, VAULT);
    private final KafkaProbe kafkaProbe = new KafkaProbe(connect, LIMITS, LocalEndpoints.POLICY, VAULT);

    @Test
    void aPostgresqlThatAcceptsAndNeverAnswersIsPendingAfterTheLoginBound() {
        try (HostileServer server = HostileServer.silent()) {
            ProbeResult result = boundedly(() -> postgresProbe.probe(postgres(server.port())));
            assertThat(result.status()).isEqualTo(ServiceStatus.PENDING);
            assertThat(result.reason()).isEqualTo("127.0.0.1:" + server.port()
                    + " accepted the connection but did not complete a PostgreSQL login within 3 s");
        }
    }

    @Test
    void aPostgresqlThatTricklesItsLoginIsPendingAfterTheLoginBound() {
        try (HostileServer server = HostileServer.trickling(concat(new byte[] {'N'}, messageStart('E')), TRICKLE)) {
            ProbeResult result = boundedly(() -> postgresProbe.probe(postgres(server.port())));
            assertThat(result.reason()).isEqualTo("127.0.0.1:" + server.port()
                    + " accepted the connection but did not complete a PostgreSQL login within 3 s");
        }
    }

    /**
     * The TLS handshake is part of the login: a server that agrees to TLS, announces a handshake record of 16 KiB and
     * trickles it faster than any one read's bound (pgjdbc reads the handshake with the connect timeout, 1 s here) is
     * stopped by the login's.
     */
    @Test
    void aPostgresqlThatTricklesItsTlsHandshakeIsPendingAfterTheLoginBound() {
        byte[] handshakeRecordOf16KiB = {0x16, 0x03, 0x03, 0x40, 0x00};
        try (HostileServer server = HostileServer.tricklingAfterAgreeingToTls(handshakeRecordOf16KiB,
                Duration.ofMillis(300))) {
            ProbeResult result = boundedly(() -> postgresProbe.probe(postgres(server.port(), SslMode.REQUIRE)));
            assertThat(result.status()).isEqualTo(ServiceStatus.PENDING);
            assertThat(result.reason()).isEqualTo("127.0.0.1:" + server.port()
                    + " accepted the connection but did not complete a PostgreSQL login within 3 s");
        }
    }

    @Test
    void aStatementWhoseAnswerTricklesFailsAfterTheReadBound() {
        byte[] loginThenTrickledError = concat(loggedIn(), messageStart('E'));
        try (HostileServer server = HostileServer.trickling(loginThenTrickledError, TRICKLE)) {
            PostgresEndpoint endpoint = postgres(server.port());
            PostgresNode node = endpoint.nodes().get(0);
            SQLException failure = boundedly(() -> {
                try (Connection connection = admin.connect(endpoint, node, "postgres");
                     Statement statement = connection.createStatement()) {
                    statement.execute("SELECT 1");
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            assertThat((Object) failure).isNotNull();
            assertThat(admin.describe(failure, endpoint, node, "postgres"))
                    .isEqualTo("PostgreSQL at 127.0.0.1:" + server.port() + " did not answer within 4 s");
        }
    }

    @Test
    void aRefusedPostgresqlConnectionSaysSo() {
        int port = freePort();
        ProbeResult result = boundedly(() -> postgresProbe.probe(postgres(port)));
        assertThat(result.status()).isEqualTo(ServiceStatus.PENDING);
        assertThat(result.reason()).isEqualTo("could not connect to 127.0.0.1:" + port + ": connection refused");
    }

    @Test
    void somethingElseThanPostgresqlIsNamedSo() {
        byte[] http = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (HostileServer server = HostileServer.answering(http)) {
            ProbeResult result = boundedly(() -> postgresProbe.probe(postgres(server.port())));
            assertThat(result.reason()).isEqualTo("127.0.0.1:" + server.port() + " is not a PostgreSQL server");
        }
    }

    @Test
    void aDatabaseNameReachesTheUrlEscaped() {
        try (HostileServer server = HostileServer.silent()) {
            PostgresEndpoint endpoint = postgres(server.port());
            String hostile = "db?socketFactory=java.lang.Object&x=/";
            SQLException failure = boundedly(() -> {
                try (Connection ignored = admin.connect(endpoint, endpoint.nodes().get(0), hostile)) {
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            });
            assertThat(admin.describe(failure, endpoint, endpoint.nodes().get(0), hostile))
                    .isEqualTo("127.0.0.1:" + server.port()
                            + " accepted the connection but did not complete a PostgreSQL login within 3 s");
        }
    }

    @Test
    void aKafkaThatAcceptsAndNeverAnswersIsPendingAfterTheRequestBound() {
        try (HostileServer server = HostileServer.silent()) {
            ProbeResult result = boundedly(() -> kafkaProbe.probe(new KafkaEndpoint("127.0.0.1:" + server.port(),
                    null, null)));
            assertThat(result.status()).isEqualTo(ServiceStatus.PENDING);
            assertThat(result.reason()).isEqualTo("127.0.0.1:" + server.port()
                    + " accepted the connection but did not answer as Kafka within 3 s");
        }
    }

    @Test
    void aKafkaThatTricklesIsPendingAfterTheRequestBound() {
        try (HostileServer server = HostileServer.trickling(new byte[0], TRICKLE)) {
            ProbeResult result = boundedly(() -> kafkaProbe.probe(new KafkaEndpoint("127.0.0.1:" + server.port(),
                    null, null)));
            assertThat(result.reason()).isEqualTo("127.0.0.1:" + server.port()
                    + " accepted the connection but did not answer as Kafka within 3 s");
        }
    }

    @Test
    void aTlsKafkaThatNeverAnswersTheHandshakeIsPendingAfterTheRequestBound() {
        try (HostileServer server = HostileServer.silent()) {
            ProbeResult result = boundedly(() -> kafkaProbe.probe(new KafkaEndpoint("127.0.0.1:" + server.port(),
                    null, TLS)));
            assertThat(result.status()).isEqualTo(ServiceStatus.PENDING);
            assertThat(result.reason()).isEqualTo("127.0.0.1:" + server.port()
                    + " accepted the connection but did not answer as Kafka within 3 s");
        }
    }

    /** A TLS record header announcing a server hello, then a byte every 2 s: each read returns, the handshake never. */
    @Test
    void aTlsKafkaThatTricklesItsHandshakeIsPendingAfterTheRequestBound() {
        byte[] serverHelloRecord = {0x16, 0x03, 0x03, 0x10, 0x00};
        try (HostileServer server = HostileServer.trickling(serverHelloRecord, TRICKLE)) {
            ProbeResult result = boundedly(() -> kafkaProbe.probe(new KafkaEndpoint("127.0.0.1:" + server.port(),
                    null, TLS)));
            assertThat(result.reason()).isEqualTo("127.0.0.1:" + server.port()
                    + " accepted the connection but did not answer as Kafka within 3 s");
        }
    }

    @Test
    void somethingElseThanKafkaIsNamedSo() {
        byte[] http = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (HostileServer server = HostileServer.answering(http)) {
            ProbeResult result = boundedly(() -> kafkaProbe.probe(new KafkaEndpoint("127.0.0.1:" + server.port(),
                    null, null)));
            assertThat(result.reason()).isEqualTo("127.0.0.1:" + server.port() + " is not a Kafka broker");
        }
    }

    @Test
    void aRefusedKafkaConnectionSaysSo() {
        int port = freePort();
        ProbeResult result = boundedly(() -> kafkaProbe.probe(new KafkaEndpoint("127.0.0.1:" + port, null, null)));
        assertThat(result.reason()).isEqualTo("could not connect to Kafka at 127.0.0.1:" + port
                + ": connection refused");
    }

    @Test
    void aConnectWorkerThatTricklesItsListingFailsAfterTheResponseBound() {
        byte[] headers = ("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{")
                .getBytes(StandardCharsets.US_ASCII);
        try (HostileServer server = HostileServer.trickling(headers, TRICKLE)) {
            String url = "http://127.0.0.1:" + server.port();
            assertThatThrownBy(() -> boundedly(() -> connect.connectorsWithStatusAndConfig(LocalEndpoints.worker(url))))
                    .isInstanceOf(ConnectCallFailed.class)
                    .hasMessage("Kafka Connect at " + url + " did not answer within 3 s");
        }
    }

    @Test
    void aConnectWorkerThatNeverAnswersFailsAfterTheResponseBound() {
        try (HostileServer server = HostileServer.silent()) {
            String url = "http://127.0.0.1:" + server.port();
            assertThatThrownBy(() -> boundedly(() -> connect.connectorsWithStatusAndConfig(LocalEndpoints.worker(url))))
                    .isInstanceOf(ConnectCallFailed.class)
                    .hasMessage("Kafka Connect at " + url + " did not answer within 3 s");
        }
    }

    @Test
    void theConnectAddonProbeSaysWhatFailed() {
        int port = freePort();
        KafkaEndpoint refused = new KafkaEndpoint("127.0.0.1:1", LocalEndpoints.worker("http://127.0.0.1:" + port),
                null);
        assertThat(kafkaProbe.probe(refused).addonStatuses()).containsEntry("kafka-connect", ServiceStatus.PENDING);
        assertThatThrownBy(() -> connect.ping(LocalEndpoints.worker("http://127.0.0.1:" + port)))
                .hasMessage("could not connect to Kafka Connect at http://127.0.0.1:" + port + ": connection refused");
        byte[] notFound = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (HostileServer server = HostileServer.answering(notFound)) {
            String url = "http://127.0.0.1:" + server.port();
            assertThatThrownBy(() -> boundedly(() -> {
                connect.ping(LocalEndpoints.worker(url));
                return null;
            })).hasMessage(url + " answered HTTP 404 to GET /: not a Kafka Connect REST API");
        }
    }

    private static <T> T boundedly(Supplier<T> call) {
        return assertTimeoutPreemptively(ENDS_WITHIN, call::get);
    }

    /** prefer: the scripted servers decline TLS ('N') and go on in the clear, as a server without TLS does. */
    private static PostgresEndpoint postgres(int port) {
        return postgres(port, SslMode.PREFER);
    }

    private static PostgresEndpoint postgres(int port, SslMode sslMode) {
        return new PostgresEndpoint(List.of(new PostgresNode("127.0.0.1", port, NodeRole.PRIMARY)), "postgres",
                "postgres", VAULT.vaulted("not-a-real-password"), HbaManagement.EXTERNAL, sslMode, null);
    }

    /** SSL declined, authentication ok, the parameters pgjdbc needs, ready for a query. */
    private static byte[] loggedIn() {
        return concat(new byte[] {'N'}, message('R', new byte[] {0, 0, 0, 0}),
                parameter("server_version", "17.5"), parameter("client_encoding", "UTF8"),
                parameter("DateStyle", "ISO, MDY"), parameter("integer_datetimes", "on"),
                parameter("standard_conforming_strings", "on"), message('K', new byte[8]),
                message('Z', new byte[] {'I'}));
    }

    /** A message announcing a megabyte of body, of which the trickle sends a byte at a time. */
    private static byte[] messageStart(char type) {
        return new byte[] {(byte) type, 0, 16, 0, 0};
    }

    private static byte[] parameter(String name, String value) {
        return message('S', (name + '\0' + value + '\0').getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] message(char type, byte[] body) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(type);
            out.writeInt(4 + body.length);
            out.write(body);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            bytes.writeBytes(part);
        }
        return bytes.toByteArray();
    }

    /** A port nothing listens on: connecting to it is refused. */
    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
