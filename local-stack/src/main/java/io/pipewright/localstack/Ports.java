package io.pipewright.localstack;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * TCP ports on 127.0.0.1 that nothing listens on right now, chosen below the kernel's ephemeral range: a server
 * started on port 0 (a test's web server) or a client socket takes ephemeral ports, and one of them must never take
 * the port of a stack process that is restarting (Connect after a plugin install, a failed-over PostgreSQL).
 */
final class Ports {

    static final String LOOPBACK = "127.0.0.1";
    private static final int LOWEST = 10_000;
    private static final int ATTEMPTS = 200;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

    private Ports() {
    }

    static int free() {
        int below = firstEphemeralPort();
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, below);
            if (isFree(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port on " + LOOPBACK + " between " + LOWEST + " and " + below);
    }

    private static int firstEphemeralPort() {
        try {
            // readAllLines, not readString: /proc files report size 0 and readString stops short.
            return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException unreadable) {
            return 32_768;
        }
    }

    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            // Servers bind with SO_REUSEADDR, so a port in TIME_WAIT from the previous run is free for them too.
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
