package io.pipewright.sagas.provisioning;

import java.time.Duration;

/**
 * What a phase of the pipeline's reconciler decided, as a value: a command to send, a time after which to look again
 * (the phase's deadline is scheduled then), both, or neither. Phases decide; only {@link PipelineSaga} sends and
 * schedules, so each decision is tested as a value and the saga stays a router.
 */
record Action(Object command, Duration lookAgainAfter) {

    static final Action NOTHING = new Action(null, null);

    static Action send(Object command) {
        return new Action(command, null);
    }

    static Action lookAgainAfter(Duration after) {
        return new Action(null, after);
    }

    static Action sendAndLookAgainAfter(Object command, Duration after) {
        return new Action(command, after);
    }
}
