package io.pipewright.adapters.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The trust a TLS client of the control plane puts in a tenant's endpoint: the CA certificates registered with it
 * (PEM, checked when registered), or, without any, the JVM's trusted CAs, as for any public service.
 */
public final class RegisteredCa {

    private RegisteredCa() {
    }

    /** The certificates of {@code pem}; registration checked that they parse. */
    public static List<X509Certificate> certificates(String pem) {
        try {
            return CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII))).stream()
                    .map(X509Certificate.class::cast).toList();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the registered CA certificate does not parse", e);
        }
    }

    /** A context trusting only the registered CA certificates; the JVM's default one when {@code pem} is null. */
    public static SSLContext context(String pem) {
        try {
            if (pem == null) {
                return SSLContext.getDefault();
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            List<X509Certificate> certificates = certificates(pem);
            for (int i = 0; i < certificates.size(); i++) {
                trusted.setCertificateEntry("registered-ca-" + i, certificates.get(i));
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS context from the registered CA certificate", e);
        }
    }
}
