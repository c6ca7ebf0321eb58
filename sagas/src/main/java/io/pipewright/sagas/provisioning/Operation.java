package io.pipewright.sagas.provisioning;

import io.pipewright.kernel.pipeline.ConnectorHealth;
import io.pipewright.kernel.pipeline.FailPipeline;
import io.pipewright.kernel.pipeline.PipelineRestartRequested;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.kernel.pipeline.RecordConnectorHealth;
import io.pipewright.kernel.pipeline.RestartConnector;
import io.pipewright.sagas.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The operation phase of a provisioned pipeline's reconciler: the connector kept paused or running as the pipeline
 * wants it, and a failed connector or task restarted with capped exponential backoff for the pipeline's retry window
 * (an outage the source, the network or the worker recovers from within it is ridden out: the pipeline stays Running,
 * degraded). Only after the window is the pipeline Failed, and its connector is then stopped with its slot and
 * offsets kept, so that a restart takes it up where it stopped. A connector that ran {@link #STABLE_AFTER} since its
 * last restart starts its next failure as a new outage, with a fresh window; one that fails again sooner (it runs for a
 * moment, then fails) stays in the same one. Decides with values; the saga makes the calls.
 */
final class Operation {

    static final Duration MAX_RESTART_BACKOFF = Duration.ofSeconds(60);
    static final Duration STABLE_AFTER = Duration.ofMinutes(10);

    /** What a restart the user asked for calls for. */
    enum Restart {
        /** A provisioning step is re-entered (its {@code ProvisionStepStarted} follows and runs it). */
        REENTER_STEP,
        /** The connector is resumed or restarted where it stopped, now, with a fresh window. */
        RESUME_CONNECTOR
    }

    /** Field names are the saga's stored state: keep them; a new field gets a new name. */
    private boolean pauseRequested;
    private int restarts;
    private Instant lastRestartAt;
    private int applyAttempts;
    /** When the current outage began (its first failure, or the restart asked for); null while healthy. */
    private Instant outageSince;
    /** The step a Failed pipeline failed in; null when it failed after provisioning or is not Failed. */
    private ProvisionStep failedInStep;
    /** A re-snapshot was asked for: the connector, its offsets and its slot go before create_connector runs again. */
    private boolean resnapshotPending;

    static Operation wanting(boolean paused) {
        Operation operation = new Operation();
        operation.pauseRequested = paused;
        return operation;
    }

    boolean pauseRequested() {
        return pauseRequested;
    }

    /** A pause or resume requested through Pipewright: applied from a fresh count of attempts. */
    void want(boolean paused) {
        pauseRequested = paused;
        applyAttempts = 0;
    }

    /** What the worker reported after the desired state was applied is recorded; a connector changed again meanwhile
     * (e.g. resumed on the worker) gets it applied once more. */
    Action desiredStateApplied(UUID pipelineId, ConnectorControl.ConnectorStatus status) {
        RecordConnectorHealth seen = new RecordConnectorHealth(pipelineId, status.state(), status.tasks(),
                status.errorMessage(), status.observedAt());
        if (status.healthy() && !status.inDesiredState(pauseRequested)) {
            applyAttempts++;
            return Action.sendAndLookAgainAfter(seen, Backoff.exponential(applyAttempts, Provisioning.MAX_BACKOFF));
        }
        applyAttempts = 0;
        return Action.send(seen);
    }

    Action desiredStateFailed() {
        applyAttempts++;
        return Action.lookAgainAfter(Backoff.exponential(applyAttempts, Provisioning.MAX_BACKOFF));
    }

    int applyAttempts() {
        return applyAttempts;
    }

    /** A connector paused through Pipewright that runs anyway (resumed on the worker) is paused again. */
    boolean mustPauseAgain(String connectorState) {
        return pauseRequested && !ConnectorHealth.PAUSED.equals(connectorState);
    }

    /**
     * The connector or a task failed at {@code at}: when to look at it again. A first failure, or one after the
     * connector ran {@link #STABLE_AFTER} since its last restart, begins a new outage with a fresh window.
     */
    Duration failedAt(Instant at) {
        boolean stableSinceRestart = lastRestartAt != null && !at.isBefore(lastRestartAt.plus(STABLE_AFTER));
        if (outageSince == null || stableSinceRestart) {
            outageSince = at;
            restarts = 0;
        }
        return nextLook();
    }

    /**
     * The connector runs again by itself (a health round saw it). An outage without a restart is over; after
     * restarts it ends only once the connector stayed up {@link #STABLE_AFTER} (see {@link #failedAt}).
     */
    void recovered() {
        if (restarts == 0) {
            outageSince = null;
        }
    }

    Duration nextLook() {
        return Backoff.exponential(restarts + 2, MAX_RESTART_BACKOFF);
    }

    void restartedAt(Instant at) {
        lastRestartAt = at;
    }

    /**
     * What a connector observed while healing calls for: recorded healthy when it recovered, the pipeline failed once
     * the retry window since the outage began is over, or empty: restart it (see {@link #restart}).
     */
    Optional<Action> settle(UUID pipelineId, ConnectorControl.ConnectorStatus status, Duration retryWindow) {
        if (status.healthy()) {
            return Optional.of(Action.send(new RecordConnectorHealth(pipelineId, status.state(), status.tasks(), null,
                    status.observedAt())));
        }
        Instant since = outageSince == null ? status.observedAt() : outageSince;
        if (!status.observedAt().isBefore(since.plus(retryWindow))) {
            return Optional.of(Action.send(new FailPipeline(pipelineId, "connector task failed: "
                    + status.errorMessage() + " (restarted " + restarts + " times within the retry window of "
                    + describe(retryWindow) + "; the connector is stopped, its replication slot and offsets are kept:"
                    + " restart the pipeline once the cause is fixed)")));
        }
        return Optional.empty();
    }

    /** Counts one restart of the outage, made at {@code at}: the command that records it, and when to look again. */
    Action restart(UUID pipelineId, Instant at) {
        restarts++;
        Duration next = nextLook();
        return Action.sendAndLookAgainAfter(new RestartConnector(pipelineId, restarts, at.plus(next)), next);
    }

    int restarts() {
        return restarts;
    }

    /**
     * The pipeline failed, in provisioning step {@code step} or (null) after it: whether its connector is to be
     * stopped, which is when it failed after provisioning and the connector was created.
     */
    boolean failed(ProvisionStep step, boolean connectorCreated) {
        failedInStep = step;
        outageSince = null;
        return step == null && connectorCreated;
    }

    /** The stop of a Failed pipeline's connector failed: when to try again. */
    Action stopFailed() {
        return desiredStateFailed();
    }

    /**
     * A restart the user asked for, with a fresh window from its time: a step to re-enter (the one the pipeline
     * failed in, or create_connector for a re-snapshot of a pipeline whose connector was created), else the connector
     * resumed where it stopped.
     */
    Restart restartRequested(PipelineRestartRequested requested, boolean connectorCreated) {
        ProvisionStep step = failedInStep;
        failedInStep = null;
        outageSince = requested.at();
        restarts = 0;
        lastRestartAt = null;
        if (requested.resnapshot() && connectorCreated) {
            resnapshotPending = true;
            return Restart.REENTER_STEP;
        }
        return step != null ? Restart.REENTER_STEP : Restart.RESUME_CONNECTOR;
    }

    /** Whether the connector, its offsets and its slot are to be removed before create_connector runs. */
    boolean resnapshotPending() {
        return resnapshotPending;
    }

    /** The old connector, offsets and slot are gone; create_connector makes them anew. */
    void resnapshotRemoved() {
        resnapshotPending = false;
    }

    /** Re-pointed to a new primary: the connector starts there with a fresh window. */
    void repointed() {
        restarts = 0;
        outageSince = null;
    }

    private static String describe(Duration window) {
        long minutes = window.toMinutes();
        return minutes > 0 && window.equals(Duration.ofMinutes(minutes)) ? minutes + (minutes == 1 ? " minute"
                : " minutes") : window.toString();
    }
}
