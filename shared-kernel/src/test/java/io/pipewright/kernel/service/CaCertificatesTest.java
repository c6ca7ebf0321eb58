package io.pipewright.kernel.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a {@code ca_certificate} may be: PEM certificates only, each a valid X.509 certificate, size-bounded. */
class CaCertificatesTest {

    /** A self-signed EC authority made with openssl for this test, valid until 2126. */
    static final String AUTHORITY = """
            -----BEGIN CERTIFICATE-----
            MIIBoDCCAUegAwIBAgIUbG9ERrHGFyIuxw3E8szn6qtDrEMwCgYIKoZIzj0EAwIw
            JTEjMCEGA1UEAwwaUGlwZXdyaWdodCB0ZXN0IGZpeHR1cmUgQ0EwIBcNMjYxMTI1
            MjI1NzM3WhgPMjEyNjExMDEyMjU3MzdaMCUxIzAhBgNVBAMMGlBpcGV3cmlnaHQg
            dGVzdCBmaXh0dXJlIENBMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE69NpdTak
            43FiftDU4ay4QExu8CSM3+Jdq1BVGQAQaT9t45SPJDP63N0EDwJ2r/0fmo+61pdJ
            7JdfoOQCUlID4KNTMFEwHQYDVR0OBBYEFNEuEHqnp/UncFW3F49L8U0kyK1IMB8G
            A1UdIwQYMBaAFNEuEHqnp/UncFW3F49L8U0kyK1IMA8GA1UdEwEB/wQFMAMBAf8w
            CgYIKoZIzj0EAwIDRwAwRAIgNFBsKGrWWWVVJ/IugP5XiIdCy102Q/dq4I4ZJCrH
            +AkCIFda1dy7ybfu2PqOBkN7lp9lk1JHQm/KoVk3n3/NbX9r
            -----END CERTIFICATE-----
            """;
    private static final String FINGERPRINT = "02:30:FA:1C:4A:A8:1D:FE:E9:19:F3:A2:FB:0D:9A:AD:89:CF:11:67:8B:BE:FE:"
            + "50:19:63:36:BA:A0:C2:BB:23";

    @Test
    void oneOrMoreCertificatesAreAcceptedAndFingerprintedAsOpensslDoes() {
        assertThat(CaCertificates.refusal(AUTHORITY)).isEmpty();
        assertThat(CaCertificates.refusal(AUTHORITY + "\n" + AUTHORITY.replace("\n", "\r\n"))).isEmpty();
        assertThat(CaCertificates.parse(AUTHORITY)).singleElement()
                .satisfies(certificate -> assertThat(certificate.getSubjectX500Principal().getName())
                        .isEqualTo("CN=Pipewright test fixture CA"));
        assertThat(CaCertificates.sha256Fingerprints(AUTHORITY + AUTHORITY)).containsExactly(FINGERPRINT, FINGERPRINT);
    }

    @Test
    void aPrivateKeyIsRefusedWithoutRepeatingIt() {
        String key = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n"
                + "-----END PRIVATE KEY-----\n";

        assertThat(CaCertificates.refusal(AUTHORITY + key)).hasValue(
                "must hold only CERTIFICATE blocks (it holds a PRIVATE KEY block)");
        assertThat(CaCertificates.refusal(key + AUTHORITY).orElseThrow()).doesNotContain("MIGHAgEA");
    }

    @Test
    void somethingElseThanPemCertificatesIsRefused() {
        String notPem = "must be PEM: one or more -----BEGIN CERTIFICATE----- blocks and nothing else";
        assertThat(CaCertificates.refusal("")).hasValue(notPem);
        assertThat(CaCertificates.refusal("not a certificate")).hasValue(notPem);
        assertThat(CaCertificates.refusal("subject=CN=x\n" + AUTHORITY)).hasValue(notPem);
        assertThat(CaCertificates.refusal(AUTHORITY + "trailing words")).hasValue(notPem);
        assertThat(CaCertificates.refusal(AUTHORITY.replace("-----END CERTIFICATE-----", ""))).hasValue(notPem);
        assertThat(CaCertificates.refusal(AUTHORITY + AUTHORITY.replace("MIIBoDCC", "MIIBoDCD")))
                .hasValue("certificate 2 of 2 is not a valid X.509 certificate");
        assertThat(CaCertificates.refusal("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"))
                .hasValue("certificate 1 of 1 is not a valid X.509 certificate");
    }

    @Test
    void theSizeIsBounded() {
        assertThat(CaCertificates.refusal(AUTHORITY.repeat(CaCertificates.MAX_CHARACTERS / AUTHORITY.length() + 1)))
                .hasValue("must be at most 32768 characters");
        assertThat(CaCertificates.refusal(AUTHORITY.repeat(CaCertificates.MAX_CERTIFICATES + 1)))
                .hasValue("must hold at most 32 certificates");
    }
}
