package io.pipewright.adapters.connect;

import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.adapters.tls.TlsFailures;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * A call to a Kafka Connect worker that got no usable answer, said in words a tenant can act on: never the
 * underlying exception's text, which would tell a tenant what listens on any address the control plane reaches.
 */
public class ConnectCallFailed extends RuntimeException {

    private final boolean cannotSucceed;

    ConnectCallFailed(String message, Throwable cause) {
        this(message, cause, false);
    }

    private ConnectCallFailed(String message, Throwable cause, boolean cannotSucceed) {
        super(message, cause);
        this.cannotSucceed = cannotSucceed;
    }

    /**
     * True when no retry can pass: the worker refused the registered credentials, or its certificate could not be
     * verified; the registration or the worker must change.
     */
    public boolean cannotSucceed() {
        return cannotSucceed;
    }

    /** The words for a failure of a request to {@code worker}, or null when it is none of the known kinds. */
    static ConnectCallFailed of(Throwable failure, KafkaConnectEndpoint worker, ExternalCallLimits limits) {
        String connectUrl = worker.url();
        String what = "Kafka Connect at " + connectUrl;
        if (failure instanceof WebClientResponseException answer
                && (answer.getStatusCode().value() == 401 || answer.getStatusCode().value() == 403)) {
            return new ConnectCallFailed(refusal(what, answer.getStatusCode().value(), worker), failure, true);
        }
        Optional<String> certificate = TlsFailures.certificateRefused(failure, what,
                "kafka.kafka_connect.ca_certificate", worker.caCertificate() != null);
        if (certificate.isPresent()) {
            return new ConnectCallFailed(certificate.get(), failure, true);
        }
        if (TlsFailures.isTls(failure) || has(failure, NotSslRecordException.class)) {
            return new ConnectCallFailed("the TLS handshake with " + what + " failed (does it serve https?)",
                    failure);
        }
        if (has(failure, DataBufferLimitException.class)) {
            return new ConnectCallFailed(what + " answered more than " + inWords(limits.connectMaxResponseSize())
                    + " (pipewright.external.connect-max-response-size)", failure);
        }
        if (has(failure, ConnectTimeoutException.class)) {
            return new ConnectCallFailed("could not connect to " + what + " within "
                    + ExternalCallLimits.inWords(limits.connectTimeout()), failure);
        }
        if (has(failure, ConnectException.class)) {
            return new ConnectCallFailed("could not connect to " + what + ": connection refused", failure);
        }
        if (has(failure, NoRouteToHostException.class)) {
            return new ConnectCallFailed("could not connect to " + what + ": no route to host", failure);
        }
        if (has(failure, UnknownHostException.class)) {
            return new ConnectCallFailed("could not connect to " + what + ": unknown host", failure);
        }
        if (has(failure, TimeoutException.class) || has(failure, ReadTimeoutException.class)) {
            return new ConnectCallFailed(what + " did not answer within "
                    + ExternalCallLimits.inWords(limits.connectResponseTimeout()), failure);
        }
        if (has(failure, DecodingException.class)) {
            return new ConnectCallFailed(connectUrl + " did not answer as a Kafka Connect REST API", failure);
        }
        return null;
    }

    private static String refusal(String what, int status, KafkaConnectEndpoint worker) {
        if (status == 403) {
            return what + " forbids this request to " + (worker.hasCredentials() ? "user " + worker.username()
                    : "a caller without credentials") + " (HTTP 403)";
        }
        return what + (worker.hasCredentials() ? " refused the credentials of user " + worker.username()
                + " (HTTP 401): authentication failed, check kafka.kafka_connect.username and password"
                : " requires credentials (HTTP 401): register kafka.kafka_connect.username and password");
    }

    private static String inWords(DataSize size) {
        long bytes = size.toBytes();
        if (bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + " MB";
        }
        return bytes % 1024 == 0 ? bytes / 1024 + " KB" : bytes + " bytes";
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
