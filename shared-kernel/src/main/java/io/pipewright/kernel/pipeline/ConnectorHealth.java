package io.pipewright.kernel.pipeline;

import java.util.List;

/** Kafka Connect's connector and task states, as far as Pipewright's decisions go. */
public final class ConnectorHealth {

    public static final String RUNNING = "RUNNING";
    public static final String PAUSED = "PAUSED";
    public static final String FAILED = "FAILED";
    /** Stopped (Connect's {@code PUT /connectors/x/stop}): no task runs, the config and offsets are kept. */
    public static final String STOPPED = "STOPPED";
    /** Not a Connect state: the worker does not know the connector (deleted outside Pipewright, or never created). */
    public static final String MISSING = "MISSING";
    /**
     * Not a Connect state: the worker did not answer the health round (down, or hung past the call's bound), so
     * nothing is known of the connector; the tasks are as last seen. Nothing to restart (Pipewright cannot reach the
     * worker), so it counts as healthy for the retry window, which it neither starts nor ends: the pipeline is never
     * Failed for it. Recorded once, with an error message that makes the pipeline degraded; the first answer of the
     * worker replaces it.
     */
    public static final String UNREACHABLE = "UNREACHABLE";

    private ConnectorHealth() {
    }

    /**
     * Nothing to repair: no connector or task FAILED, and the connector exists and is not stopped (an
     * {@link #UNREACHABLE} worker included: nothing can be repaired on it).
     */
    public static boolean healthy(String connectorState, List<TaskState> tasks) {
        return !FAILED.equals(connectorState) && !MISSING.equals(connectorState) && !STOPPED.equals(connectorState)
                && tasks.stream().noneMatch(task -> FAILED.equals(task.state()));
    }
}
