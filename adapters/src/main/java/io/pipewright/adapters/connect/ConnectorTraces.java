package io.pipewright.adapters.connect;

/**
 * What of a Connect failure trace reaches events and views. Every observer must cut it the same way: the health
 * check compares it with what was recorded, and a different cut would look like a change.
 */
public final class ConnectorTraces {

    private static final int CHARACTERS = 600;

    private ConnectorTraces() {
    }

    /** The start of the trace, without the connector's password should a driver message quote it. */
    public static String excerpt(String trace, String password) {
        if (trace == null) {
            return "no trace reported";
        }
        String safe = password == null || password.isEmpty() ? trace : trace.replace(password, "****");
        return safe.length() <= CHARACTERS ? safe : safe.substring(0, CHARACTERS) + "...";
    }
}
