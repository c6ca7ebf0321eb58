package io.pipewright.command.service;

import java.io.ByteArrayInputStream;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A CA certificate a tenant registers (PEM text), checked before anything stores it: bounded, certificates only (a
 * private key pasted by mistake is refused, never stored), each one a parseable X.509 certificate. What is stored is
 * the certificates re-encoded in canonical PEM, which every TLS client of the control plane reads the same way.
 */
final class X509Pem {

    /** Generous for a chain of CAs; a stored registration event carries it. */
    static final int MAX_CHARACTERS = 64 * 1024;
    static final int MAX_CERTIFICATES = 16;

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    private static final String CERTIFICATE = "CERTIFICATE";

    private X509Pem() {
    }

    /** The certificates in canonical PEM; the exception's message is the rule the text breaks. */
    static String canonical(String pem) {
        if (pem.length() > MAX_CHARACTERS) {
            throw new IllegalArgumentException("must be at most " + MAX_CHARACTERS + " characters");
        }
        if (pem.contains("PRIVATE KEY")) {
            throw new IllegalArgumentException("must hold certificates only, never a private key");
        }
        Matcher block = BLOCK.matcher(pem);
        List<X509Certificate> certificates = new ArrayList<>();
        while (block.find()) {
            if (!CERTIFICATE.equals(block.group(1))) {
                throw new IllegalArgumentException("must hold only PEM CERTIFICATE blocks, not " + block.group(1));
            }
            if (certificates.size() == MAX_CERTIFICATES) {
                throw new IllegalArgumentException("must hold at most " + MAX_CERTIFICATES + " certificates");
            }
            certificates.add(parse(block.group(2), certificates.size() + 1));
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(
                    "must be PEM: -----BEGIN CERTIFICATE----- ... -----END CERTIFICATE-----");
        }
        StringBuilder canonical = new StringBuilder();
        Base64.Encoder encoder = Base64.getMimeEncoder(64, new byte[] {'\n'});
        for (int i = 0; i < certificates.size(); i++) {
            try {
                canonical.append("-----BEGIN CERTIFICATE-----\n")
                        .append(encoder.encodeToString(certificates.get(i).getEncoded()))
                        .append("\n-----END CERTIFICATE-----\n");
            } catch (CertificateException e) {
                throw new IllegalArgumentException("certificate " + (i + 1) + " cannot be re-encoded");
            }
        }
        return canonical.toString();
    }

    private static X509Certificate parse(String base64, int position) {
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(base64);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("certificate " + position + " is not valid base64");
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | ClassCastException e) {
            throw new IllegalArgumentException("certificate " + position + " is not an X.509 certificate");
        }
    }
}
