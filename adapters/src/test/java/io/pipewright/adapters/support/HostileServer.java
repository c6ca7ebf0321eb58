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
 * {@code opening} at once, then, with {@code trickle} set, one more byte every {@code trickle} for ever, else nothing
 * (the connection stays open and silent). What the client sends is read and dropped.
 */
public final class HostileServer implements AutoCloseable {

    private final ServerSocket server;
    private final byte[] opening;
    private final Duration trickle;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<Socket> connections = new CopyOnWriteArrayList<>();

    private HostileServer(byte[] opening, Duration trickle) {
        this.opening = opening;
        this.trickle = trickle;
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
        return new HostileServer(new byte[0], null);
    }

    /** Sends {@code opening}, then one byte every {@code every}, never completing an answer. */
    public static HostileServer trickling(byte[] opening, Duration every) {
        return new HostileServer(opening, every);
    }

    /** Sends {@code answer} and closes the connection. */
    public static HostileServer answering(byte[] answer) {
        return new HostileServer(answer, Duration.ZERO);
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
        Thread drain = new Thread(() -> drain(connection), "hostile-drain");
        drain.setDaemon(true);
        drain.start();
        try {
            OutputStream out = connection.getOutputStream();
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
