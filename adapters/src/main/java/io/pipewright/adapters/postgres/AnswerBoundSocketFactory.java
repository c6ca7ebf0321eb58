package io.pipewright.adapters.postgres;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Properties;
import javax.net.SocketFactory;

/**
 * pgjdbc's {@code socketTimeout} bounds each read, so a server that trickles a byte every few seconds holds a call for
 * ever. This factory's sockets bound the whole answer instead: the login must complete within the login bound, and
 * after it each request's complete answer must arrive within the read bound, counted from the request. An overdue
 * answer fails the read with {@link AnswerOverdue}, which ends the connection. pgjdbc instantiates the factory per
 * connection with the connection's properties ({@code socketFactory} names this class).
 */
public final class AnswerBoundSocketFactory extends SocketFactory {

    /** When the login must be complete ({@link System#nanoTime()}), shared by every socket of one connect. */
    static final String LOGIN_DUE_AT_NANOS = "pipewright.loginDueAtNanos";
    static final String LOGIN_BOUND_MILLIS = "pipewright.loginBoundMillis";
    static final String READ_BOUND_MILLIS = "pipewright.readBoundMillis";

    /** pgjdbc opens the socket in the calling thread: the caller takes it from here to end the login phase. */
    private static final ThreadLocal<AnswerBoundSocket> OPENED = new ThreadLocal<>();

    private final long loginDueAtNanos;
    private final long loginBoundMillis;
    private final long readBoundMillis;

    public AnswerBoundSocketFactory(Properties info) {
        this.loginDueAtNanos = Long.parseLong(info.getProperty(LOGIN_DUE_AT_NANOS));
        this.loginBoundMillis = Long.parseLong(info.getProperty(LOGIN_BOUND_MILLIS));
        this.readBoundMillis = Long.parseLong(info.getProperty(READ_BOUND_MILLIS));
    }

    /** The socket the current thread opened last, once: after the login its answers are bounded per request. */
    static AnswerBoundSocket takeOpened() {
        AnswerBoundSocket socket = OPENED.get();
        OPENED.remove();
        return socket;
    }

    static void forgetOpened() {
        OPENED.remove();
    }

    @Override
    public Socket createSocket() {
        AnswerBoundSocket socket = new AnswerBoundSocket(loginDueAtNanos, loginBoundMillis, readBoundMillis);
        OPENED.set(socket);
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        Socket socket = createSocket();
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        Socket socket = createSocket();
        socket.bind(new InetSocketAddress(localHost, localPort));
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Socket socket = createSocket();
        socket.connect(new InetSocketAddress(host, port));
        return socket;
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
            throws IOException {
        Socket socket = createSocket();
        socket.bind(new InetSocketAddress(localAddress, localPort));
        socket.connect(new InetSocketAddress(address, port));
        return socket;
    }

    /** A read that would end past the bound of the login or of the request it answers. */
    public static final class AnswerOverdue extends SocketTimeoutException {

        private final boolean duringLogin;

        AnswerOverdue(boolean duringLogin, long boundMillis) {
            super((duringLogin ? "login" : "answer") + " not complete within " + boundMillis + " ms");
            this.duringLogin = duringLogin;
        }

        public boolean duringLogin() {
            return duringLogin;
        }
    }

    /**
     * During the login one deadline runs from the start of the connect (pgjdbc may open a second socket, e.g. without
     * TLS, within the same deadline); afterwards each write (a request) sets the deadline for its answer. Each read waits at most until the deadline, whatever the socket's own read timeout says.
     */
    static final class AnswerBoundSocket extends Socket {

        private final long loginBoundMillis;
        private final long readBoundMillis;
        private volatile boolean loggedIn;
        private volatile long answerDueAt;
        private InputStream input;
        private OutputStream output;

        AnswerBoundSocket(long loginDueAtNanos, long loginBoundMillis, long readBoundMillis) {
            this.answerDueAt = loginDueAtNanos / 1_000_000;
            this.loginBoundMillis = loginBoundMillis;
            this.readBoundMillis = readBoundMillis;
        }

        /** The login is done: from now on each request's answer has the read bound. */
        void loggedIn() {
            loggedIn = true;
        }

        @Override
        public synchronized InputStream getInputStream() throws IOException {
            if (input == null) {
                input = new FilterInputStream(super.getInputStream()) {
                    @Override
                    public int read() throws IOException {
                        return withinBound(in::read);
                    }

                    @Override
                    public int read(byte[] buffer, int offset, int length) throws IOException {
                        return withinBound(() -> in.read(buffer, offset, length));
                    }
                };
            }
            return input;
        }

        @Override
        public synchronized OutputStream getOutputStream() throws IOException {
            if (output == null) {
                output = new FilterOutputStream(super.getOutputStream()) {
                    @Override
                    public void write(int b) throws IOException {
                        requested();
                        out.write(b);
                    }

                    @Override
                    public void write(byte[] buffer, int offset, int length) throws IOException {
                        requested();
                        out.write(buffer, offset, length);
                    }
                };
            }
            return output;
        }

        private void requested() {
            if (loggedIn) {
                answerDueAt = now() + readBoundMillis;
            }
        }

        /** One read, waiting at most until the deadline whatever the socket's own read timeout says. */
        private int withinBound(Read read) throws IOException {
            long left = answerDueAt - now();
            if (left <= 0) {
                throw overdue();
            }
            int configured = getSoTimeout();
            setSoTimeout((int) Math.min(left, configured == 0 ? Integer.MAX_VALUE : configured));
            try {
                return read.read();
            } catch (SocketTimeoutException e) {
                if (now() >= answerDueAt) {
                    throw overdue();
                }
                throw e;
            } finally {
                if (!isClosed()) {
                    setSoTimeout(configured);
                }
            }
        }

        private AnswerOverdue overdue() {
            return new AnswerOverdue(!loggedIn, loggedIn ? readBoundMillis : loginBoundMillis);
        }

        /** A read from the underlying stream. */
        private interface Read {
            int read() throws IOException;
        }

        private static long now() {
            return System.nanoTime() / 1_000_000;
        }
    }
}
