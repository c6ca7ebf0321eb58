package io.pipewright.adapters.connect;

import io.pipewright.adapters.limits.ExternalCallLimits;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.timeout.ReadTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.util.unit.DataSize;

/**
 * A call to a Kafka Connect worker that got no usable answer, said in words a tenant can act on: never the
 * underlying exception's text, which would tell a tenant what listens on any address the control plane reaches.
 */
public class ConnectCallFailed extends RuntimeException {

    ConnectCallFailed(String message, Throwable cause) {
        super(message, cause);
    }

    /** The words for a failure of a request to {@code connectUrl}, or null when it is none of the known kinds. */
    static ConnectCallFailed of(Throwable failure, String connectUrl, ExternalCallLimits limits) {
        String what = "Kafka Connect at " + connectUrl;
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
