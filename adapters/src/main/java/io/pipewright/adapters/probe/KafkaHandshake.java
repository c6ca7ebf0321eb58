package io.pipewright.adapters.probe;

import io.pipewright.adapters.limits.ExternalCallLimits;
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

/**
 * Asks a bootstrap server for its API versions, the first request of every Kafka client, and checks that the answer
 * is framed as Kafka frames it. Kafka's admin client only ever says "timed out" when a server is not Kafka or does not
 * answer; this says which, in words, within the connect and request bounds, before the admin client is tried.
 */
final class KafkaHandshake {

    private static final short API_VERSIONS = 18;
    private static final int CORRELATION_ID = 0x70770001;
    private static final byte[] CLIENT_ID = "pipewright-probe".getBytes(StandardCharsets.US_ASCII);
    /** No ApiVersions answer comes near this size; anything larger is not Kafka's framing. */
    private static final int LARGEST_PLAUSIBLE_ANSWER = 1 << 20;

    private final ExternalCallLimits limits;

    KafkaHandshake(ExternalCallLimits limits) {
        this.limits = limits;
    }

    /** Null when the server answers as Kafka; else what failed, e.g. "could not connect to ... within 5 s". */
    String problem(String host, int port) {
        String where = host + ":" + port;
        try (Socket socket = new Socket()) {
            try {
                socket.connect(new InetSocketAddress(host, port), (int) limits.connectTimeout().toMillis());
            } catch (ConnectException e) {
                return "could not connect to Kafka at " + where + ": connection refused";
            } catch (NoRouteToHostException e) {
                return "could not connect to Kafka at " + where + ": no route to host";
            } catch (UnknownHostException e) {
                return "could not connect to Kafka at " + where + ": unknown host";
            } catch (SocketTimeoutException e) {
                return "could not connect to Kafka at " + where + " within "
                        + ExternalCallLimits.inWords(limits.connectTimeout());
            }
            socket.getOutputStream().write(apiVersionsRequest());
            socket.getOutputStream().flush();
            ByteBuffer header = ByteBuffer.wrap(readFully(socket, 8));
            int size = header.getInt();
            int correlationId = header.getInt();
            if (size < 4 || size > LARGEST_PLAUSIBLE_ANSWER || correlationId != CORRELATION_ID) {
                return where + " is not a Kafka broker";
            }
            return null;
        } catch (SocketTimeoutException e) {
            return where + " accepted the connection but did not answer as Kafka within "
                    + ExternalCallLimits.inWords(limits.kafkaRequestTimeout());
        } catch (EOFException e) {
            return where + " closed the connection: not a Kafka broker";
        } catch (IOException e) {
            return "the connection to Kafka at " + where + " failed";
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
