package io.pipewright.adapters.probe;

import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.adapters.tls.TlsFailures;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * Asks a bootstrap server for its API versions, the first request of every Kafka client (allowed before a SASL login),
 * and checks that the answer is framed as Kafka frames it. Kafka's admin client only ever says "timed out" when a
 * server is not Kafka or does not answer; this says which, in words, within the connect and request bounds, before the
 * admin client is tried. On a TLS listener the request goes through a TLS session verified as Kafka's client verifies
 * it (the registered CA, the host name), so an unverifiable certificate is said as such; the whole handshake is bounded
 * by the request bound, however slowly the server answers.
 */
final class KafkaHandshake {

    private static final short API_VERSIONS = 18;
    private static final int CORRELATION_ID = 0x70770001;
    private static final byte[] CLIENT_ID = "pipewright-probe".getBytes(StandardCharsets.US_ASCII);
    /** No ApiVersions answer comes near this size; anything larger is not Kafka's framing. */
    private static final int LARGEST_PLAUSIBLE_ANSWER = 1 << 20;
    /** Ends TLS handshakes that outlast the request bound; one daemon thread for all probes. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "pipewright-kafka-handshake-bound");
        thread.setDaemon(true);
        return thread;
    });

    private final ExternalCallLimits limits;

    KafkaHandshake(ExternalCallLimits limits) {
        this.limits = limits;
    }

    /**
     * Null when the server answers as Kafka; else what failed, e.g. "could not connect to ... within 5 s".
     * {@code tls}: the context of a TLS listener (null for a plain one); {@code caRegistered}: whether that context
     * trusts a registered CA rather than the JVM's.
     */
    Finding problem(String host, int port, SSLContext tls, boolean caRegistered) {
        String where = host + ":" + port;
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(host, port), (int) limits.connectTimeout().toMillis());
            } catch (ConnectException e) {
                return Finding.pending("could not connect to Kafka at " + where + ": connection refused");
            } catch (NoRouteToHostException e) {
                return Finding.pending("could not connect to Kafka at " + where + ": no route to host");
            } catch (UnknownHostException e) {
                return Finding.pending("could not connect to Kafka at " + where + ": unknown host");
            } catch (SocketTimeoutException e) {
                return Finding.pending("could not connect to Kafka at " + where + " within "
                        + ExternalCallLimits.inWords(limits.connectTimeout()));
            }
            if (tls == null) {
                return apiVersions(socket, where);
            }
            return overTls(socket, host, port, tls, caRegistered);
        } catch (SocketTimeoutException e) {
            return Finding.pending(where + " accepted the connection but did not answer as Kafka within "
                    + ExternalCallLimits.inWords(limits.kafkaRequestTimeout()));
        } catch (EOFException e) {
            return Finding.pending(where + " closed the connection: not a Kafka broker");
        } catch (IOException e) {
            return Finding.pending("the connection to Kafka at " + where + " failed");
        }
    }

    /**
     * The TLS handshake and the request in one bound: a timer closes the socket when it is over, which ends a
     * handshake read however slowly the server trickles it.
     */
    private Finding overTls(Socket socket, String host, int port, SSLContext tls, boolean caRegistered)
            throws IOException {
        String where = host + ":" + port;
        AtomicBoolean overdue = new AtomicBoolean();
        ScheduledFuture<?> bound = WATCHDOG.schedule(() -> {
            overdue.set(true);
            closeQuietly(socket);
        }, limits.kafkaRequestTimeout().toMillis(), TimeUnit.MILLISECONDS);
        try {
            SSLSocket session = (SSLSocket) tls.getSocketFactory().createSocket(socket, host, port, true);
            SSLParameters parameters = session.getSSLParameters();
            // What Kafka's client checks by default (ssl.endpoint.identification.algorithm=https).
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            session.setSSLParameters(parameters);
            session.setSoTimeout((int) limits.kafkaRequestTimeout().toMillis());
            session.startHandshake();
            return apiVersions(session, where);
        } catch (SSLException e) {
            if (overdue.get()) {
                throw new SocketTimeoutException();
            }
            return TlsFailures.certificateRefused(e, "Kafka at " + where, "kafka.ca_certificate", caRegistered)
                    .map(Finding::failed)
                    .orElseGet(() -> Finding.pending(where + " did not complete a TLS handshake (is it a TLS "
                            + "listener? security_protocol SSL and SASL_SSL need one)"));
        } catch (IOException e) {
            if (overdue.get()) {
                throw new SocketTimeoutException();
            }
            throw e;
        } finally {
            bound.cancel(false);
        }
    }

    private Finding apiVersions(Socket socket, String where) throws IOException {
        socket.getOutputStream().write(apiVersionsRequest());
        socket.getOutputStream().flush();
        ByteBuffer header = ByteBuffer.wrap(readFully(socket, 8));
        int size = header.getInt();
        int correlationId = header.getInt();
        if (size < 4 || size > LARGEST_PLAUSIBLE_ANSWER || correlationId != CORRELATION_ID) {
            return Finding.pending(where + " is not a Kafka broker");
        }
        return null;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException alreadyGone) {
            // closed by its owner meanwhile: the bound is kept either way
        }
    }

    /** Reads {@code count} bytes, all of them within the request bound however slowly they come. */
    private byte[] readFully(Socket socket, int count) throws IOException {
        long dueAt = System.nanoTime() + limits.kafkaRequestTimeout().toNanos();
        InputStream input = socket.getInputStream();
        byte[] bytes = new byte[count];
        int read = 0;
        while (read < count) {
            long left = (dueAt - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                throw new SocketTimeoutException();
            }
            socket.setSoTimeout((int) left);
            int n = input.read(bytes, read, count - read);
            if (n < 0) {
                throw new EOFException();
            }
            read += n;
        }
        return bytes;
    }

    /** ApiVersions version 0: request header v1 (api key, version, correlation id, client id) and no body. */
    private static byte[] apiVersionsRequest() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(2 + 2 + 4 + 2 + CLIENT_ID.length);
        out.writeShort(API_VERSIONS);
        out.writeShort(0);
        out.writeInt(CORRELATION_ID);
        out.writeShort(CLIENT_ID.length);
        out.write(CLIENT_ID);
        return bytes.toByteArray();
    }
}
