package io.pipewright.localstack;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A private CA made on the spot and a server certificate it signed for this machine's loopback ({@code 127.0.0.1}
 * and {@code localhost}), so the stack's TLS listeners can be verified the way a client verifies a managed Kafka
 * signed by a private CA. EC P-256 keys: generated in milliseconds. Kept in a directory (the key owner-only) so a
 * stack that keeps its data keeps its CA, and registrations that trust it stay valid.
 */
public final class LoopbackCertificates {

    private static final String CA_FILE = "ca.pem";
    private static final String CHAIN_FILE = "server-chain.pem";
    private static final String KEY_FILE = "server-key.pem";
    private static final Duration VALIDITY = Duration.ofDays(3650);
    private static final Pattern CERTIFICATE = Pattern.compile(
            "-----BEGIN CERTIFICATE-----([A-Za-z0-9+/=\\s]+)-----END CERTIFICATE-----");

    private final X509Certificate ca;
    private final X509Certificate server;
    private final PrivateKey serverKey;

    private LoopbackCertificates(X509Certificate ca, X509Certificate server, PrivateKey serverKey) {
        this.ca = ca;
        this.server = server;
        this.serverKey = serverKey;
    }

    /** A new CA named {@code caName} and a loopback server certificate it signed, in memory only. */
    public static LoopbackCertificates generate(String caName) {
        try {
            KeyPair caKeys = keyPair();
            X500Name issuer = new X500Name("CN=" + caName);
            Instant now = Instant.now();
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder caBuilder = new JcaX509v3CertificateBuilder(issuer, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), issuer,
                    caKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensions.createSubjectKeyIdentifier(caKeys.getPublic()));
            X509Certificate ca = signed(caBuilder, caKeys.getPrivate());

            KeyPair serverKeys = keyPair();
            X509v3CertificateBuilder serverBuilder = new JcaX509v3CertificateBuilder(issuer, serial(),
                    Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)),
                    new X500Name("CN=" + Ports.LOOPBACK), serverKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                            new GeneralName(GeneralName.iPAddress, Ports.LOOPBACK),
                            new GeneralName(GeneralName.dNSName, "localhost")}))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensions.createAuthorityKeyIdentifier(ca));
            return new LoopbackCertificates(ca, signed(serverBuilder, caKeys.getPrivate()), serverKeys.getPrivate());
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate the local stack's certificates", e);
        }
    }

    /** The certificates kept in {@code directory}, made there first if it holds none. */
    static LoopbackCertificates loadOrCreate(Path directory, String caName) {
        try {
            if (Files.isRegularFile(directory.resolve(KEY_FILE))) {
                return new LoopbackCertificates(certificate(Files.readString(directory.resolve(CA_FILE))),
                        certificate(Files.readString(directory.resolve(CHAIN_FILE))),
                        privateKey(Files.readString(directory.resolve(KEY_FILE))));
            }
            LoopbackCertificates made = generate(caName);
            Files.createDirectories(directory);
            Files.writeString(directory.resolve(CA_FILE), made.caCertificate());
            Files.writeString(directory.resolve(CHAIN_FILE), made.certificateChain());
            Path key = directory.resolve(KEY_FILE + ".partial");
            Files.deleteIfExists(key);
            Files.createFile(key, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(key, made.privateKey());
            Files.move(key, directory.resolve(KEY_FILE));
            return made;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep the local stack's certificates in " + directory, e);
        }
    }

    /** The CA's certificate (PEM): what a client trusts, what a registration's {@code ca_certificate} holds. */
    public String caCertificate() {
        return pem("CERTIFICATE", encoded(ca));
    }

    /** The server certificate, then the CA's (PEM), as a server presents them. */
    public String certificateChain() {
        return pem("CERTIFICATE", encoded(server)) + pem("CERTIFICATE", encoded(ca));
    }

    /** The server's private key, unencrypted PKCS#8 (PEM). */
    public String privateKey() {
        return pem("PRIVATE KEY", serverKey.getEncoded());
    }

    /** A server-side TLS context presenting the loopback certificate, for a stand-in server of a test. */
    public SSLContext serverContext() {
        try {
            char[] password = "unused".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("server", serverKey, password, new Certificate[] {server, ca});
            KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            managers.init(keys, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(managers.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build a TLS server context from the loopback certificate", e);
        }
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(64, new SecureRandom()).add(BigInteger.ONE);
    }

    private static X509Certificate signed(X509v3CertificateBuilder builder, PrivateKey issuerKey)
            throws OperatorCreationException, GeneralSecurityException {
        ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey);
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** The first certificate of a PEM text. */
    private static X509Certificate certificate(String pem) {
        Matcher block = CERTIFICATE.matcher(pem);
        if (!block.find()) {
            throw new IllegalStateException("no PEM certificate");
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(
                    new ByteArrayInputStream(Base64.getMimeDecoder().decode(block.group(1))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("a kept certificate does not parse", e);
        }
    }

    private static PrivateKey privateKey(String pem) {
        String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "");
        try {
            return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(
                    Base64.getMimeDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII))));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the kept private key does not parse", e);
        }
    }
}
