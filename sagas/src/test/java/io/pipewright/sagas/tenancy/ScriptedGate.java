package io.pipewright.sagas.tenancy;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * An {@link ExternalWorkGate} for saga fixtures: admits every work unless an answer was queued, and records the works
 * it was asked about and the admissions released.
 */
public class ScriptedGate implements ExternalWorkGate {

    public static final Duration BUSY_FOR = Duration.ofSeconds(1);

    public final List<Work> asked = new ArrayList<>();
    public int released;
    private final Deque<Admission> answers = new ArrayDeque<>();

    public void busyOnce() {
        answers.add(new Busy(BUSY_FOR, "organization at its bound"));
    }

    public void deletedOnce() {
        answers.add(new SubjectDeleted());
    }

    @Override
    public Admission enter(Work work) {
        asked.add(work);
        Admission scripted = answers.poll();
        return scripted != null ? scripted : (Admitted) () -> released++;
    }
}
