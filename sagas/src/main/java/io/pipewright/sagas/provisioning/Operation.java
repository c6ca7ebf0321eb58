package io.pipewright.sagas.provisioning;

import io.pipewright.kernel.pipeline.ConnectorHealth;
import io.pipewright.kernel.pipeline.FailPipeline;
import io.pipewright.kernel.pipeline.RecordConnectorHealth;
import io.pipewright.sagas.Backoff;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * The operation phase of a provisioned pipeline's reconciler: the connector kept paused or running as the pipeline
 * wants it, and a failed connector or task restarted with backoff within a budget of {@value #RESTART_ATTEMPTS}
 * restarts (then the pipeline is Failed). A connector that ran {@link #STABLE_AFTER} since its last restart starts its
 * next failure with a fresh budget. Decides with values; the saga makes the calls.
 */
final class Operation {

    static final int RESTART_ATTEMPTS = 5;
    static final Duration MAX_RESTART_BACKOFF = Duration.ofSeconds(60);
    static final Duration STABLE_AFTER = Duration.ofMinutes(10);

    /** Field names are the saga's stored state: keep them. */
    private boolean pauseRequested;
    private int restarts;
    private Instant lastRestartAt;
    private int applyAttempts;

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

    /** The connector or a task failed at {@code at}: when to look at it again, with a fresh budget if it was stable. */
    Duration failedAt(Instant at) {
        if (lastRestartAt != null && !at.isBefore(lastRestartAt.plus(STABLE_AFTER))) {
            restarts = 0;
        }
        return nextLook();
    }

    Duration nextLook() {
        return Backoff.exponential(restarts + 2, MAX_RESTART_BACKOFF);
    }

    void restartedAt(Instant at) {
        lastRestartAt = at;
    }

    /**
     * What a connector observed while healing calls for: recorded healthy when it recovered, the pipeline failed when
     * the budget is spent, or empty: restart it (see {@link #spendRestart()}).
     */
    Optional<Action> settle(UUID pipelineId, ConnectorControl.ConnectorStatus status) {
        if (status.healthy()) {
            return Optional.of(Action.send(new RecordConnectorHealth(pipelineId, status.state(), status.tasks(), null,
                    status.observedAt())));
        }
        if (restarts >= RESTART_ATTEMPTS) {
            return Optional.of(Action.send(new FailPipeline(pipelineId,
                    "connector task failed: " + status.errorMessage())));
        }
        return Optional.empty();
    }

    /** Counts one restart of the budget; returns its number (1-based). */
    int spendRestart() {
        return ++restarts;
    }

    /** Re-pointed to a new primary: the connector starts there with a fresh budget. */
    void repointed() {
        restarts = 0;
    }
}
