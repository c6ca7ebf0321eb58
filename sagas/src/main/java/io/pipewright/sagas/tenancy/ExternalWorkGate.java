package io.pipewright.sagas.tenancy;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Admits the control plane's work on a tenant's external services (a provisioning step, a probe, a restart), so that
 * one tenant's slow or broken services cost only that tenant. Work on one subject (a pipeline, a service) runs on one
 * control-plane node at a time, whatever the number of nodes; an organization and a service have a bounded number of
 * such works in flight; and work of a pipeline whose deletion was requested is turned away, unless it is the teardown.
 * A deadline handler asks before it calls out, and when it is not admitted it schedules itself again shortly instead of
 * occupying a scheduler thread while it waits.
 */
public interface ExternalWorkGate {

    /** What the work is about: the subject it changes, whose it is, and the services it calls. */
    record Work(UUID subjectId, UUID organizationId, List<UUID> serviceIds, boolean teardown) {

        public Work {
            serviceIds = List.copyOf(serviceIds);
        }
    }

    /** The answer: admitted (close the permit when done), busy (try again after the pause), or not wanted any more. */
    sealed interface Admission permits Admitted, Busy, SubjectDeleted {
    }

    /** The work may run; {@link #release()} once it is done, so the next work of its subject may start. */
    non-sealed interface Admitted extends Admission {
        void release();
    }

    record Busy(Duration retryAfter, String reason) implements Admission {
    }

    record SubjectDeleted() implements Admission {
    }

    Admission enter(Work work);
}
