package io.pipewright.adapters.postgres;

import io.pipewright.kernel.service.CaCertificates;
import io.pipewright.kernel.service.SslMode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.postgresql.PGProperty;

/**
 * pgjdbc's {@code sslfactory} for a source registered with a verifying {@code ssl_mode}: TLS that trusts exactly the
 * service's {@code ca_certificate}, from memory (no file on the control plane's disk to write, share between nodes
 * or remove), never the JDK's default authorities. For {@code verify-full} the handshake also checks that the
 * certificate names the host connected to, as HTTPS clients do (a subject alternative name, DNS or IP). A certificate
 * that fails either check ends the handshake with {@link ServiceCaTrust.Untrusted}, which says which. pgjdbc makes one
 * per connection from the connection's properties.
 */
public final class ServiceCaSocketFactory extends SSLSocketFactory {

    /** The service's CA certificate, PEM. */
    static final String CA_CERTIFICATE = "pipewright.caCertificate";

    private final SSLSocketFactory tls;
    private final boolean checkHostName;

    public ServiceCaSocketFactory(Properties info) throws GeneralSecurityException, IOException {
        checkHostName = SslMode.VERIFY_FULL.wireName().equals(PGProperty.SSL_MODE.getOrDefault(info));
        KeyStore authorities = KeyStore.getInstance(KeyStore.getDefaultType());
        authorities.load(null, null);
        List<X509Certificate> certificates = CaCertificates.parse(info.getProperty(CA_CERTIFICATE));
        for (int i = 0; i < certificates.size(); i++) {
            authorities.setCertificateEntry("ca-" + i, certificates.get(i));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(authorities);
        X509ExtendedTrustManager pkix = null;
        for (TrustManager manager : trust.getTrustManagers()) {
            if (manager instanceof X509ExtendedTrustManager x509) {
                pkix = x509;
            }
        }
        if (pkix == null) {
            throw new GeneralSecurityException("the JDK offers no X.509 trust manager");
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new ServiceCaTrust(pkix, checkHostName)}, null);
        tls = context.getSocketFactory();
    }

    /** The one pgjdbc uses: TLS over the connection it opened (through {@link AnswerBoundSocketFactory}). */
    @Override
    public Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException {
        return checkingHostName(tls.createSocket(plain, host, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return checkingHostName(tls.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return checkingHostName(tls.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return checkingHostName(tls.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        return checkingHostName(tls.createSocket(address, port, localAddress, localPort));
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return tls.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return tls.getSupportedCipherSuites();
    }

    /** With verify-full, the JDK checks the certificate's names against the host as for HTTPS. */
    private Socket checkingHostName(Socket socket) {
        if (checkHostName && socket instanceof SSLSocket ssl) {
            SSLParameters parameters = ssl.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            ssl.setSSLParameters(parameters);
        }
        return socket;
    }
}
