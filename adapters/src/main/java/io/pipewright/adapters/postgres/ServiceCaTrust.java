package io.pipewright.adapters.postgres;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a source's server certificate when the JDK's PKIX checks accept it against the service's CA certificate, in
 * two steps so a refusal says why: first the chain alone (issued by the CA, within its validity), then the chain in
 * the handshake, which with verify-full includes the host name. Only ever a client: it trusts no client certificate.
 */
final class ServiceCaTrust extends X509ExtendedTrustManager {

    private final X509ExtendedTrustManager pkix;
    private final boolean checkHostName;

    ServiceCaTrust(X509ExtendedTrustManager pkix, boolean checkHostName) {
        this.pkix = pkix;
        this.checkHostName = checkHostName;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        checkChain(chain, authType);
        try {
            pkix.checkServerTrusted(chain, authType, socket);
        } catch (CertificateException e) {
            throw new Untrusted(checkHostName, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        checkChain(chain, authType);
        try {
            pkix.checkServerTrusted(chain, authType, engine);
        } catch (CertificateException e) {
            throw new Untrusted(checkHostName, e);
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        checkChain(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("a connection to a source trusts no client");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("a connection to a source trusts no client");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a connection to a source trusts no client");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return pkix.getAcceptedIssuers();
    }

    private void checkChain(X509Certificate[] chain, String authType) throws Untrusted {
        try {
            pkix.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            throw new Untrusted(false, e);
        }
    }

    /**
     * The server's certificate is not to be trusted: {@code hostNameMismatch} when its chain is fine but it does not
     * name the host, else not issued by the CA certificate, or outside its validity (the cause says which).
     */
    static final class Untrusted extends CertificateException {

        private final boolean hostNameMismatch;

        Untrusted(boolean hostNameMismatch, CertificateException cause) {
            super(hostNameMismatch ? "the certificate does not name the host" : "the certificate is not trusted",
                    cause);
            this.hostNameMismatch = hostNameMismatch;
        }

        boolean hostNameMismatch() {
            return hostNameMismatch;
        }
    }
}
