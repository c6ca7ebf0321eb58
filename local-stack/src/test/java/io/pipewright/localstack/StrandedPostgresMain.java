package io.pipewright.localstack;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

/** Run in a child JVM by {@link NoOrphansTest}: starts a server, reports its processes, then waits to be killed. */
public final class StrandedPostgresMain {

    private StrandedPostgresMain() {
    }

    public static void main(String[] arguments) throws InterruptedException {
        PostgresServer server = PostgresServer.builder()
                .name("stranded-postgresql")
                .dataDirectory(Path.of(arguments[0]))
                .start();
        System.out.println("postmaster " + server.pid());
        System.out.println("children " + ProcessHandle.current().children()
                .map(child -> Long.toString(child.pid()))
                .collect(Collectors.joining(" ")));
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
