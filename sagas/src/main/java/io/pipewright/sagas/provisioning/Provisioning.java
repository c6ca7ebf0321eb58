package io.pipewright.sagas.provisioning;

import io.pipewright.kernel.pipeline.CompleteProvisionStep;
import io.pipewright.kernel.pipeline.CompleteProvisioning;
import io.pipewright.kernel.pipeline.FailPipeline;
import io.pipewright.kernel.pipeline.ProvisionStep;
import io.pipewright.kernel.pipeline.StartProvisionStep;
import io.pipewright.sagas.Backoff;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * The provisioning phase of a pipeline's reconciler: waiting for both services, then the reference's five steps in
 * order, each to completion, then reading the new connector once. It holds which step runs and how often it failed in
 * a row, and decides with values what comes next; the saga makes the calls. A transient failure is retried with
 * backoff, {@value #STEP_ATTEMPTS} in a row fail the pipeline; a failure retrying cannot help fails it at once.
 */
final class Provisioning {

    static final int STEP_ATTEMPTS = 8;
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** The step running or last run; null before the first. Field names are the saga's stored state: keep them. */
    private ProvisionStep step;
    private int attempts;
    private boolean waitingForServices;

    static Provisioning waitingForServices() {
        Provisioning provisioning = new Provisioning();
        provisioning.waitingForServices = true;
        return provisioning;
    }

    /**
     * What the services' states call for now: the first step when both run, a failure when they never can, or
     * nothing (wait for their next status change). Absent services (not in the directory yet) mean wait.
     */
    static Optional<Object> onServices(UUID pipelineId, Optional<ServiceRecord> source, Optional<ServiceRecord> sink) {
        if (source.isEmpty() || sink.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> problem = Preconditions.terminalProblem(source.get(), sink.get());
        if (problem.isPresent()) {
            return Optional.of(new FailPipeline(pipelineId, problem.get()));
        }
        if (Preconditions.ready(source.get(), sink.get())) {
            return Optional.of(new StartProvisionStep(pipelineId, ProvisionStep.first()));
        }
        return Optional.empty();
    }

    boolean isWaitingForServices() {
        return waitingForServices;
    }

    /** Stops waiting for the services; true when it was waiting (their associations are then to be dropped). */
    boolean stopWaitingForServices() {
        boolean was = waitingForServices;
        waitingForServices = false;
        return was;
    }

    void started(ProvisionStep started) {
        step = started;
        attempts = 0;
    }

    ProvisionStep step() {
        return step;
    }

    /** A step that never started created nothing: there is nothing of it to look for in a teardown. */
    boolean reached(ProvisionStep provisionStep) {
        return step != null && provisionStep.ordinal() <= step.ordinal();
    }

    Action converged(UUID pipelineId, String resource) {
        return Action.send(new CompleteProvisionStep(pipelineId, step, resource));
    }

    Action cannotSucceed(UUID pipelineId, StepFailed failed) {
        return Action.send(new FailPipeline(pipelineId, step.wireName() + ": " + failed.getMessage()));
    }

    Action failedTransiently(UUID pipelineId, RuntimeException failure) {
        attempts++;
        if (attempts >= STEP_ATTEMPTS) {
            return Action.send(new FailPipeline(pipelineId, step.wireName() + " failed " + attempts
                    + " times; last error: " + describe(failure)));
        }
        return Action.lookAgainAfter(Backoff.exponential(attempts, MAX_BACKOFF));
    }

    int attempts() {
        return attempts;
    }

    /** The next step after {@code completed}, or none after the last (the connector is read next). */
    Optional<Object> after(UUID pipelineId, ProvisionStep completed) {
        return completed.next().map(next -> new StartProvisionStep(pipelineId, next));
    }

    /** The connector exists: what it reports is read next, with a fresh count of attempts. */
    void connectorCreated() {
        attempts = 0;
    }

    Action connectorRead(UUID pipelineId, ConnectorControl.ConnectorStatus status) {
        return Action.send(new CompleteProvisioning(pipelineId, status.state(), status.tasks()));
    }

    Action connectorUnreadable(UUID pipelineId, RuntimeException failure) {
        attempts++;
        if (attempts >= STEP_ATTEMPTS) {
            return Action.send(new FailPipeline(pipelineId, ProvisionStep.CREATE_CONNECTOR.wireName()
                    + ": the connector's state could not be read " + attempts + " times; last error: "
                    + describe(failure)));
        }
        return Action.lookAgainAfter(Backoff.exponential(attempts, MAX_BACKOFF));
    }

    static String describe(RuntimeException failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }
}
