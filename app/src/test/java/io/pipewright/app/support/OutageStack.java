package io.pipewright.app.support;

import io.pipewright.localstack.LocalStack;
import java.nio.file.Path;

/**
 * A second real stack of the test JVM, for the classes that take its source or worker away for minutes (the outage
 * scenarios): on a stack of their own they run beside the rest of the suite instead of after it, and nothing they stop,
 * freeze or refuse reaches the shared stack's classes. Started on first use, stopped when the JVM exits.
 */
public final class OutageStack {

    private static LocalStack stack;

    private OutageStack() {
    }

    public static synchronized LocalStack stack() {
        if (stack == null) {
            LocalStack started = LocalStack.builder().workDirectory(Path.of("target", "outage-stack")).start();
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "outage-stack-stop"));
            stack = started;
        }
        return stack;
    }
}
