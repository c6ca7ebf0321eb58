package io.pipewright.adapters.tls;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * A failed TLS handshake with a tenant's endpoint, in words: a certificate that the registered CA (or, without one, the
 * JVM's trusted CAs) did not sign, or one that does not name the host, cannot succeed until the registration or the
 * server changes. Never the underlying exception's text.
 */
public final class TlsFailures {

    private TlsFailures() {
    }

    /**
     * Why the certificate of {@code what} (e.g. "Kafka at 10.0.0.7:9093") was refused, naming the registration's
     * {@code caField}; empty when {@code failure} is no certificate failure.
     */
    public static Optional<String> certificateRefused(Throwable failure, String what, String caField,
                                                      boolean caRegistered) {
        if (has(failure, CertPathBuilderException.class) || has(failure, CertPathValidatorException.class)) {
            return Optional.of("the TLS certificate of " + what + " could not be verified against "
                    + (caRegistered ? "the registered " + caField
                    : "the JVM's trusted CAs (register " + caField + " if a private CA signed it)"));
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof CertificateException && cause.getMessage() != null
                    && (cause.getMessage().startsWith("No subject alternative")
                    || cause.getMessage().startsWith("No name matching"))) {
                return Optional.of("the TLS certificate of " + what + " does not name the host it was reached at");
            }
        }
        return Optional.empty();
    }

    /** Whether {@code failure} is a TLS failure at all. */
    public static boolean isTls(Throwable failure) {
        return has(failure, SSLException.class);
    }

    private static boolean has(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return true;
            }
        }
        return false;
    }
}
