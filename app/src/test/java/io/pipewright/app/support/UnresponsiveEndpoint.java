package io.pipewright.app.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A hostile tenant's endpoint on loopback: it accepts every connection and then either never answers, or trickles an
 * HTTP status line one byte every two seconds, so that a client without a bound on its total time waits forever.
 * It counts the connections it accepted, and closes them all when closed.
 */
public final class UnresponsiveEndpoint implements AutoCloseable {

    private static final byte[] TRICKLE = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    private final ServerSocket server;
    private final boolean trickle;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();

    private UnresponsiveEndpoint(boolean trickle) throws IOException {
        this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        this.trickle = trickle;
        daemon("unresponsive-endpoint-" + server.getLocalPort(), this::acceptForever).start();
    }

    /** Accepts and reads, never writes a byte. */
    public static UnresponsiveEndpoint silent() throws IOException {
        return new UnresponsiveEndpoint(false);
    }

    /** Accepts, reads, and answers an HTTP status line a byte every two seconds, never finishing it. */
    public static UnresponsiveEndpoint trickling() throws IOException {
        return new UnresponsiveEndpoint(true);
    }

    public int port() {
        return server.getLocalPort();
    }

    public int connectionsAccepted() {
        return accepted.size();
    }

    private void acceptForever() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                accepted.add(socket);
                daemon("unresponsive-connection", () -> hold(socket)).start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void hold(Socket socket) {
        daemon("unresponsive-reader", () -> drain(socket)).start();
        try (OutputStream out = socket.getOutputStream()) {
            for (int at = 0; !socket.isClosed(); at = (at + 1) % TRICKLE.length) {
                Thread.sleep(2_000);
                if (trickle) {
                    out.write(TRICKLE[at]);
                    out.flush();
                }
            }
        } catch (IOException | InterruptedException gone) {
            // The client gave up or the endpoint closed: nothing more to hold.
        }
    }

    private static void drain(Socket socket) {
        try (InputStream in = socket.getInputStream()) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException gone) {
            // Closed by either side.
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : accepted) {
            socket.close();
        }
    }
}
