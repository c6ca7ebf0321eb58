package io.pipewright.kernel.service;

import java.io.ByteArrayInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service's {@code ca_certificate}: one or more PEM {@code CERTIFICATE} blocks, the authorities a server certificate
 * must be issued by. Not secret, but stored in the service's events, so nothing but certificates is accepted: a
 * private key pasted along would otherwise be kept for ever. What is refused is said without repeating the text.
 */
public final class CaCertificates {

    /** Twenty-odd certificates; a registration's whole body is at most 64 KiB. */
    public static final int MAX_CHARACTERS = 32 * 1024;
    public static final int MAX_CERTIFICATES = 32;

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]{1,40})-----([A-Za-z0-9+/=\\s]*)-----END \\1-----");
    private static final Pattern ANY_BEGIN = Pattern.compile("-----BEGIN ([A-Z0-9 ]{1,40})-----");
    private static final String CERTIFICATE = "CERTIFICATE";

    private CaCertificates() {
    }

    /** Why {@code pem} is not acceptable as a {@code ca_certificate}, in words naming no part of it; empty when it is. */
    public static Optional<String> refusal(String pem) {
        if (pem.length() > MAX_CHARACTERS) {
            return Optional.of("must be at most " + MAX_CHARACTERS + " characters");
        }
        Matcher other = ANY_BEGIN.matcher(pem);
        while (other.find()) {
            if (!CERTIFICATE.equals(other.group(1))) {
                return Optional.of("must hold only CERTIFICATE blocks (it holds a " + other.group(1) + " block)");
            }
        }
        List<String> blocks = new ArrayList<>();
        Matcher block = BLOCK.matcher(pem);
        int end = 0;
        while (block.find()) {
            if (!pem.substring(end, block.start()).isBlank()) {
                return Optional.of(notPem());
            }
            blocks.add(block.group(2));
            end = block.end();
        }
        if (blocks.isEmpty() || !pem.substring(end).isBlank()) {
            return Optional.of(notPem());
        }
        if (blocks.size() > MAX_CERTIFICATES) {
            return Optional.of("must hold at most " + MAX_CERTIFICATES + " certificates");
        }
        for (int i = 0; i < blocks.size(); i++) {
            if (certificate(blocks.get(i)).isEmpty()) {
                return Optional.of("certificate " + (i + 1) + " of " + blocks.size()
                        + " is not a valid X.509 certificate");
            }
        }
        return Optional.empty();
    }

    /** The certificates of an accepted {@code ca_certificate} (see {@link #refusal}), in order. */
    public static List<X509Certificate> parse(String pem) {
        refusal(pem).ifPresent(reason -> {
            throw new IllegalArgumentException("ca_certificate " + reason);
        });
        List<X509Certificate> certificates = new ArrayList<>();
        Matcher block = BLOCK.matcher(pem);
        while (block.find()) {
            certificates.add(certificate(block.group(2)).orElseThrow());
        }
        return certificates;
    }

    /** Each certificate's SHA-256 fingerprint as {@code openssl x509 -fingerprint -sha256} prints it. */
    public static List<String> sha256Fingerprints(String pem) {
        return parse(pem).stream().map(CaCertificates::sha256Fingerprint).toList();
    }

    private static String sha256Fingerprint(X509Certificate certificate) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }

    private static Optional<X509Certificate> certificate(String base64) {
        try {
            byte[] der = Base64.getMimeDecoder().decode(base64);
            return Optional.of((X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der)));
        } catch (IllegalArgumentException | CertificateException e) {
            return Optional.empty();
        }
    }

    private static String notPem() {
        return "must be PEM: one or more -----BEGIN CERTIFICATE----- blocks and nothing else";
    }
}
