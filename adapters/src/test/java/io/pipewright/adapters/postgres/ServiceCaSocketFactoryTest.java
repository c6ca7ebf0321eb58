package io.pipewright.adapters.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.pipewright.kernel.service.SslMode;
import io.pipewright.localstack.LocalCertificateAuthority;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/**
 * The trust of a verifying {@code ssl_mode}, against a TLS server in this JVM whose certificate is made for each case:
 * verify-full wants the CA and the host name, verify-ca only the CA, and a refusal says which check failed.
 */
class ServiceCaSocketFactoryTest {

    private static final String LOOPBACK = "127.0.0.1";
    private final LocalCertificateAuthority authority = LocalCertificateAuthority.generate("service authority");

    @Test
    void verifyFullAcceptsACertificateOfTheAuthorityNamingTheHost() throws Exception {
        handshake(authority.issueServerCertificate("server", List.of(LOOPBACK)), SslMode.VERIFY_FULL,
                authority.certificatePem());
    }

    @Test
    void verifyFullRefusesACertificateForAnotherNameAndVerifyCaAcceptsIt() throws Exception {
        LocalCertificateAuthority.ServerCertificate elsewhere = authority.issueServerCertificate("server",
                List.of("db.example.org"));

        SSLHandshakeException refused = catchThrowableOfType(SSLHandshakeException.class,
                () -> handshake(elsewhere, SslMode.VERIFY_FULL, authority.certificatePem()));
        assertThat(refused.getCause()).isInstanceOfSatisfying(ServiceCaTrust.Untrusted.class,
                untrusted -> assertThat(untrusted.hostNameMismatch()).isTrue());
        handshake(elsewhere, SslMode.VERIFY_CA, authority.certificatePem());
    }

    @Test
    void aCertificateOfAnotherAuthorityIsRefusedInEitherMode() {
        LocalCertificateAuthority.ServerCertificate foreign = LocalCertificateAuthority.generate("another authority")
                .issueServerCertificate("server", List.of(LOOPBACK));
        for (SslMode mode : List.of(SslMode.VERIFY_FULL, SslMode.VERIFY_CA)) {
            SSLHandshakeException refused = catchThrowableOfType(SSLHandshakeException.class,
                    () -> handshake(foreign, mode, authority.certificatePem()));
            assertThat(refused.getCause()).as(mode.wireName()).isInstanceOfSatisfying(ServiceCaTrust.Untrusted.class,
                    untrusted -> assertThat(untrusted.hostNameMismatch()).isFalse());
        }
    }

    @Test
    void aBundleIsTrustedWhicheverOfItsAuthoritiesIssuedTheCertificate() throws Exception {
        String bundle = LocalCertificateAuthority.generate("first in the bundle").certificatePem()
                + authority.certificatePem();
        handshake(authority.issueServerCertificate("server", List.of(LOOPBACK)), SslMode.VERIFY_FULL, bundle);
    }

    /** A TLS handshake of the factory's socket with a server presenting {@code server}, as pgjdbc makes it. */
    private static void handshake(LocalCertificateAuthority.ServerCertificate server, SslMode mode, String trusted)
            throws Exception {
        Properties info = new Properties();
        info.setProperty("sslmode", mode.wireName());
        info.setProperty(ServiceCaSocketFactory.CA_CERTIFICATE, trusted);
        ServiceCaSocketFactory factory = new ServiceCaSocketFactory(info);
        try (SSLServerSocket listener = (SSLServerSocket) serverContext(server).getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (SSLSocket accepted = (SSLSocket) listener.accept()) {
                    accepted.startHandshake();
                } catch (IOException refusedByTheClient) {
                    // the client's verdict is what the test reads
                }
            });
            try (Socket plain = new Socket(LOOPBACK, listener.getLocalPort());
                 SSLSocket tls = (SSLSocket) factory.createSocket(plain, LOOPBACK, listener.getLocalPort(), true)) {
                tls.startHandshake();
            } finally {
                served.join();
            }
        }
    }

    private static SSLContext serverContext(LocalCertificateAuthority.ServerCertificate server) throws Exception {
        Certificate certificate = CertificateFactory.getInstance("X.509").generateCertificate(
                new ByteArrayInputStream(server.certificatePem().getBytes(StandardCharsets.US_ASCII)));
        String keyBase64 = server.privateKeyPem().replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        PrivateKey key = KeyFactory.getInstance("EC")
                .generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(keyBase64)));
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("server", key, new char[0], new Certificate[] {certificate});
        KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        managers.init(keys, new char[0]);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(managers.getKeyManagers(), null, null);
        return context;
    }
}
