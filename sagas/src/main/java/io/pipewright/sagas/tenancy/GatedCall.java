package io.pipewright.sagas.tenancy;

import io.pipewright.sagas.tenancy.ExternalWorkGate.Admission;
import io.pipewright.sagas.tenancy.ExternalWorkGate.Admitted;
import io.pipewright.sagas.tenancy.ExternalWorkGate.Work;
import org.axonframework.messaging.unitofwork.CurrentUnitOfWork;

/**
 * Runs a handler's external call only when the {@link ExternalWorkGate} admits it, and keeps the admission until the
 * handler's unit of work has ended: what the call found is recorded (events, saga state) before the subject's next
 * work may start, on this node or another.
 */
public final class GatedCall {

    private GatedCall() {
    }

    /** The gate's answer; the call ran if and only if it is {@link Admitted}. */
    public static Admission run(ExternalWorkGate gate, Work work, Runnable call) {
        Admission admission = gate.enter(work);
        if (admission instanceof Admitted admitted) {
            if (CurrentUnitOfWork.isStarted()) {
                CurrentUnitOfWork.get().onCleanup(unitOfWork -> admitted.release());
                call.run();
            } else {
                try {
                    call.run();
                } finally {
                    admitted.release();
                }
            }
        }
        return admission;
    }
}
