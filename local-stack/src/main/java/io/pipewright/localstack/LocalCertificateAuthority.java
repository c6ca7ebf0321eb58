package io.pipewright.localstack;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A certificate authority made on the spot for the embedded PostgreSQL's TLS, so a connection to it can be verified
 * as a user would verify their own server ({@code verify-full}): its certificate is what a registration gives as
 * {@code ca_certificate}. Its key lives only in this object; the server certificates it issues name the loopback
 * address and {@code localhost}. Keys are EC P-256 (fast to generate, accepted by OpenSSL and the JDK).
 */
public final class LocalCertificateAuthority {

    /** As long as a kept data directory may be reused: the stack's certificates never expire under a user. */
    private static final Duration VALIDITY = Duration.ofDays(3650);
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");

    private final X500Name name;
    private final KeyPair keys;
    private final X509CertificateHolder certificate;

    private LocalCertificateAuthority(X500Name name, KeyPair keys, X509CertificateHolder certificate) {
        this.name = name;
        this.keys = keys;
        this.certificate = certificate;
    }

    /** A new self-signed authority named {@code commonName}; every call makes another one. */
    public static LocalCertificateAuthority generate(String commonName) {
        X500Name name = commonNamed(commonName);
        KeyPair keys = keyPair();
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), name, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(keys.getPublic()));
            return new LocalCertificateAuthority(name, keys, sign(builder, keys));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot create a certificate authority", e);
        }
    }

    /** This authority's certificate, PEM: what a client trusts. */
    public String certificatePem() {
        return pem(new PemObject("CERTIFICATE", encoded(certificate)));
    }

    /**
     * A server certificate and its new key, for {@code 127.0.0.1} and {@code localhost}, signed by this authority:
     * what a client that checks the host name ({@code verify-full}) accepts for a server on loopback.
     */
    public ServerCertificate issueServerCertificate(String commonName) {
        return issueServerCertificate(commonName, List.of(Ports.LOOPBACK, "localhost"));
    }

    /**
     * A server certificate and its new key for {@code names} (subject alternative names: IPv4 addresses as such,
     * anything else as a DNS name), signed by this authority.
     */
    public ServerCertificate issueServerCertificate(String commonName, List<String> names) {
        KeyPair serverKeys = keyPair();
        Instant now = Instant.now();
        try {
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)),
                    commonNamed(commonName), serverKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.stream()
                            .map(LocalCertificateAuthority::alternativeName).toArray(GeneralName[]::new)))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(keys.getPublic()))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(serverKeys.getPublic()));
            X509CertificateHolder issued = sign(builder, keys);
            return new ServerCertificate(pem(new PemObject("CERTIFICATE", encoded(issued))),
                    pem(new PemObject("PRIVATE KEY", serverKeys.getPrivate().getEncoded())));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue a server certificate", e);
        }
    }

    /** A server's certificate and its unencrypted PKCS#8 key, both PEM. */
    public record ServerCertificate(String certificatePem, String privateKeyPem) {

        @Override
        public String toString() {
            return "ServerCertificate[certificatePem=" + certificatePem + "]";
        }
    }

    private static X509CertificateHolder sign(X509v3CertificateBuilder builder, KeyPair signer) {
        try {
            return builder.build(new JcaContentSignerBuilder(SIGNATURE).build(signer.getPrivate()));
        } catch (OperatorCreationException e) {
            throw new IllegalStateException("cannot sign a certificate", e);
        }
    }

    private static GeneralName alternativeName(String name) {
        return new GeneralName(IPV4.matcher(name).matches() ? GeneralName.iPAddress : GeneralName.dNSName, name);
    }

    /** A distinguished name of just a common name, of characters that need no escaping. */
    private static X500Name commonNamed(String commonName) {
        return new X500Name("CN=" + commonName.replaceAll("[^A-Za-z0-9 ._-]", "_"));
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an EC key", e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    private static byte[] encoded(X509CertificateHolder holder) {
        try {
            return holder.getEncoded();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String pem(PemObject object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }
}
