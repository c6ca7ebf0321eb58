package io.pipewright.adapters.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP server on 127.0.0.1 that plays an endpoint the control plane must not trust: each connection gets
 * {@code opening} at once (or, playing a PostgreSQL that agrees to TLS, once it answered the client's SSLRequest with
 * 'S' and the client's TLS hello began), then, with {@code trickle} set, one more byte every {@code trickle} for ever,
 * else nothing (the connection stays open and silent). What the client sends is read and dropped.
 */
public final class HostileServer implements AutoCloseable {

    private final ServerSocket server;
    private final byte[] opening;
    private final Duration trickle;
    private final boolean agreesToTls;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();

    private HostileServer(byte[] opening, Duration trickle, boolean agreesToTls) {
        this.opening = opening;
        this.trickle = trickle;
        this.agreesToTls = agreesToTls;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Thread acceptor = new Thread(this::accept, "hostile-server-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Accepts and never answers. */
    public static HostileServer silent() {
        return new HostileServer(new byte[0], null, false);
    }

    /** Sends {@code opening}, then one byte every {@code every}, never completing an answer. */
    public static HostileServer trickling(byte[] opening, Duration every) {
        return new HostileServer(opening, every, false);
    }

    /**
     * Answers PostgreSQL's SSLRequest with 'S', waits for the first bytes of the client's TLS hello, then sends
     * {@code opening} and one byte every {@code every}: a TLS handshake that never completes.
     */
    public static HostileServer tricklingAfterAgreeingToTls(byte[] opening, Duration every) {
        return new HostileServer(opening, every, true);
    }

    /** Sends {@code answer} and closes the connection. */
    public static HostileServer answering(byte[] answer) {
        return new HostileServer(answer, Duration.ZERO, false);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!closed.get()) {
            try {
                Socket connection = server.accept();
                connections.add(connection);
                Thread player = new Thread(() -> play(connection), "hostile-connection");
                player.setDaemon(true);
                player.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void play(Socket connection) {
        try {
            OutputStream out = connection.getOutputStream();
            if (agreesToTls) {
                connection.getInputStream().readNBytes(8);
                out.write('S');
                out.flush();
                connection.getInputStream().readNBytes(5);
            }
            Thread drain = new Thread(() -> drain(connection), "hostile-drain");
            drain.setDaemon(true);
            drain.start();
            out.write(opening);
            out.flush();
            if (Duration.ZERO.equals(trickle)) {
                connection.shutdownOutput();
                return;
            }
            while (trickle != null && !closed.get()) {
                Thread.sleep(trickle.toMillis());
                out.write('x');
                out.flush();
            }
        } catch (IOException e) {
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void drain(Socket connection) {
        try (InputStream in = connection.getInputStream()) {
            byte[] buffer = new byte[4096];
            while (in.read(buffer) >= 0) {
                continue;
            }
        } catch (IOException e) {
            return;
        }
    }

    @Override
    public void close() {
        closed.set(true);
        try {
            server.close();
            for (Socket connection : connections) {
                connection.close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
