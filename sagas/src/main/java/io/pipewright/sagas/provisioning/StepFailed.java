package io.pipewright.sagas.provisioning;

/**
 * A step cannot converge and retrying will not help (a missing table, a refused permission). The message is what the
 * user reads in {@code error_message}: it says what to fix and holds no secret.
 */
public class StepFailed extends RuntimeException {

    public StepFailed(String message) {
        super(message, null, false, false);
    }
}
