package io.pipewright.adapters.support;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.pipewright.localstack.LoopbackCertificates;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A faithful stand-in for a Kafka Connect REST API behind HTTPS and HTTP Basic authentication, as Connect serves it
 * with {@code listeners=https://...} and the BasicAuthSecurityRestExtension: the embedded worker of the local stack
 * serves plain http without authentication, and changing it would change every other test's worker. It answers
 * Connect's documented shapes for {@code GET /} (version, commit, kafka_cluster_id) and
 * {@code GET /connectors?expand=...} (an object by connector name; none here) to a request with the right
 * credentials; anything else gets 401 with a {@code WWW-Authenticate: Basic} challenge, as Connect answers it. Its
 * certificate is for 127.0.0.1, signed by a CA of its own ({@link #caCertificate()}).
 */
public final class AuthenticatingConnect implements AutoCloseable {

    private final HttpsServer server;
    private final LoopbackCertificates certificates = LoopbackCertificates.generate("stand-in Connect CA");
    private final String expectedAuthorization;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();

    public AuthenticatingConnect(String username, String password) {
        this.expectedAuthorization = "Basic " + Base64.getEncoder().encodeToString((username + ":" + password)
                .getBytes(StandardCharsets.UTF_8));
        try {
            server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setHttpsConfigurator(new HttpsConfigurator(certificates.serverContext()));
        server.createContext("/", this::answer);
        server.start();
    }

    public String url() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The PEM of the CA that signed the server's certificate. */
    public String caCertificate() {
        return certificates.caCertificate();
    }

    /** The Authorization headers of the requests received, in order (null where there was none). */
    public List<String> authorizations() {
        return new ArrayList<>(authorizations);
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            authorizations.add(authorization);
            if (!expectedAuthorization.equals(authorization)) {
                exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"connect\"");
                exchange.sendResponseHeaders(401, -1);
                return;
            }
            String path = exchange.getRequestURI().getPath();
            String body = switch (path) {
                case "/" -> "{\"version\":\"4.3.1\",\"commit\":\"0000000000000000\","
                        + "\"kafka_cluster_id\":\"stand-in-cluster\"}";
                case "/connectors" -> "{}";
                default -> null;
            };
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
