package io.pipewright.adapters.connect;

import java.util.Arrays;
import java.util.List;

/**
 * What of a Connect failure trace reaches events and views: the failure and its root cause, without stack frames
 * (Debezium's top line is always "An exception occurred in the change event producer"; what went wrong is in the last
 * "Caused by"). Every observer must cut it the same way: the health check compares it with what was recorded, and a
 * different cut would look like a change.
 */
public final class ConnectorTraces {

    private static final int CHARACTERS = 600;
    private static final String CAUSED_BY = "Caused by: ";

    private ConnectorTraces() {
    }

    /** The failure, its root cause if it has one, without the connector's password should a driver message quote it. */
    public static String excerpt(String trace, String password) {
        if (trace == null) {
            return "no trace reported";
        }
        String safe = password == null || password.isEmpty() ? trace : trace.replace(password, "****");
        List<String> lines = Arrays.stream(safe.split("\r?\n")).map(String::strip).filter(line -> !line.isEmpty())
                .toList();
        String failure = lines.isEmpty() ? safe.strip() : lines.get(0);
        String rootCause = lines.stream().filter(line -> line.startsWith(CAUSED_BY))
                .reduce((first, last) -> last).map(line -> line.substring(CAUSED_BY.length())).orElse(null);
        String excerpt = rootCause == null ? failure : failure + " | caused by: " + rootCause;
        return excerpt.length() <= CHARACTERS ? excerpt : excerpt.substring(0, CHARACTERS) + "...";
    }
}
