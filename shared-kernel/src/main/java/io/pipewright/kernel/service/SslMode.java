package io.pipewright.kernel.service;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * How connections to a PostgreSQL service are secured, the control plane's admin sessions and the connector's alike:
 * libpq's {@code sslmode}, which pgjdbc and Debezium ({@code database.sslmode}) take with the same names and meaning.
 * The verifying modes check the server's certificate against the service's {@code ca_certificate}.
 */
public enum SslMode {
    /** No TLS: passwords and rows cross the network in the clear. */
    DISABLE("disable", false, false),
    /**
     * TLS when the server offers it, unverified, else plain: what pgjdbc and Debezium did for a service registered
     * before {@code ssl_mode} existed, which keeps it. Not accepted on registration.
     */
    PREFER("prefer", false, false),
    /** TLS or no connection; the certificate is not checked (protects against eavesdropping, not impersonation). */
    REQUIRE("require", true, false),
    /** TLS with a certificate issued by the service's {@code ca_certificate}, whatever host name it names. */
    VERIFY_CA("verify-ca", true, true),
    /** As verify-ca, and the certificate must name the host connected to (a subject alternative name). */
    VERIFY_FULL("verify-full", true, true);

    private final String wireName;
    private final boolean encrypts;
    private final boolean verifiesCertificate;

    SslMode(String wireName, boolean encrypts, boolean verifiesCertificate) {
        this.wireName = wireName;
        this.encrypts = encrypts;
        this.verifiesCertificate = verifiesCertificate;
    }

    /** The name in the API, and the value of pgjdbc's {@code sslmode} and Debezium's {@code database.sslmode}. */
    public String wireName() {
        return wireName;
    }

    /** A connection without TLS is refused. */
    public boolean encrypts() {
        return encrypts;
    }

    /** The server's certificate must be issued by the service's {@code ca_certificate}. */
    public boolean verifiesCertificate() {
        return verifiesCertificate;
    }

    /** The modes a registration may ask for. */
    public static List<SslMode> registrable() {
        return Arrays.stream(values()).filter(mode -> mode != PREFER).toList();
    }

    /** A mode a registration may ask for, by its API name. */
    public static Optional<SslMode> registrableFromWireName(String value) {
        return registrable().stream().filter(mode -> mode.wireName.equals(value)).findFirst();
    }
}
