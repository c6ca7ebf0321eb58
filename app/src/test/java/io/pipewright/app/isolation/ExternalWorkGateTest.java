package io.pipewright.app.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.sagas.tenancy.ExternalWorkGate;
import io.pipewright.sagas.tenancy.ExternalWorkGate.Admission;
import io.pipewright.sagas.tenancy.ExternalWorkGate.Admitted;
import io.pipewright.sagas.tenancy.ExternalWorkGate.Busy;
import io.pipewright.sagas.tenancy.ExternalWorkGate.SubjectDeleted;
import io.pipewright.sagas.tenancy.ExternalWorkGate.Work;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The gate in front of every call to a tenant's services, on the control plane's PostgreSQL: one work per subject,
 * bounded per organization and per service even when admissions race, none but the teardown for a pipeline whose
 * deletion was requested, and a dead node's work taken over once its lease expired.
 */
@SpringBootTest
@DirtiesContext
class ExternalWorkGateTest {

    private static final int PER_ORGANIZATION = 4;
    private static final int PER_SERVICE = 3;

    @DynamicPropertySource
    static void controlPlane(DynamicPropertyRegistry registry) {
        ControlPlaneDatabase.registerFreshDatabase(registry);
        registry.add("pipewright.tenancy.max-work-per-organization", () -> PER_ORGANIZATION);
        registry.add("pipewright.tenancy.max-work-per-service", () -> PER_SERVICE);
    }

    @Autowired
    ExternalWorkGate gate;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aSubjectHasOneWorkInFlightAtATime() {
        Work work = work(UUID.randomUUID(), UUID.randomUUID());
        Admitted first = admitted(gate.enter(work));
        assertThat(gate.enter(work)).isInstanceOf(Busy.class);
        first.release();
        admitted(gate.enter(work)).release();
    }

    @Test
    void anOrganizationHasABoundedNumberOfWorksInFlightAndOthersAreNotHeldBack() {
        UUID organization = UUID.randomUUID();
        List<Admitted> held = new ArrayList<>();
        for (int i = 0; i < PER_ORGANIZATION; i++) {
            held.add(admitted(gate.enter(work(UUID.randomUUID(), organization))));
        }
        Work waiting = work(UUID.randomUUID(), organization);
        Admission refused = gate.enter(waiting);
        assertThat(refused).isInstanceOf(Busy.class);
        assertThat(((Busy) refused).retryAfter()).isPositive().isLessThan(Duration.ofSeconds(5));
        admitted(gate.enter(work(UUID.randomUUID(), UUID.randomUUID()))).release();

        held.remove(0).release();
        held.add(admitted(gate.enter(waiting)));
        held.forEach(Admitted::release);
    }

    @Test
    void aServiceHasABoundedNumberOfWorksInFlight() {
        UUID service = UUID.randomUUID();
        List<Admitted> held = new ArrayList<>();
        for (int i = 0; i < PER_SERVICE; i++) {
            held.add(admitted(gate.enter(new Work(UUID.randomUUID(), UUID.randomUUID(),
                    List.of(service, UUID.randomUUID()), false))));
        }
        assertThat(gate.enter(new Work(UUID.randomUUID(), UUID.randomUUID(), List.of(UUID.randomUUID(), service),
                false))).isInstanceOf(Busy.class);
        held.forEach(Admitted::release);
    }

    @Test
    void racingAdmissionsNeverExceedTheOrganizationsBound() throws Exception {
        UUID organization = UUID.randomUUID();
        ExecutorService racers = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Admission>> attempts = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                attempts.add(() -> gate.enter(work(UUID.randomUUID(), organization)));
            }
            List<Admitted> admitted = new ArrayList<>();
            for (Future<Admission> attempt : racers.invokeAll(attempts)) {
                if (attempt.get() instanceof Admitted admission) {
                    admitted.add(admission);
                }
            }
            assertThat(admitted).hasSize(PER_ORGANIZATION);
            admitted.forEach(Admitted::release);
        } finally {
            racers.shutdownNow();
        }
    }

    @Test
    void onceDeletionWasRequestedOnlyTheTeardownIsAdmitted() {
        UUID pipeline = UUID.randomUUID();
        UUID organization = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO pipeline_registry (pipeline_id, organization_id, name, source_service_id, sink_service_id,
                    deletion_requested) VALUES (?, ?, ?, ?, ?, true)""",
                pipeline, organization, "doomed-" + pipeline, UUID.randomUUID(), UUID.randomUUID());
        assertThat(gate.enter(work(pipeline, organization))).isInstanceOf(SubjectDeleted.class);
        admitted(gate.enter(new Work(pipeline, organization, List.of(UUID.randomUUID()), true))).release();
    }

    @Test
    void aLeaseHeldByANodeThatStoppedRenewingIsTakenOverOnceItExpired() {
        UUID subject = UUID.randomUUID();
        UUID organization = UUID.randomUUID();
        jdbc.update("""
                INSERT INTO external_work_lease (subject_id, organization_id, service_ids, holder, node_id, expires_at)
                VALUES (?, ?, ARRAY[]::uuid[], ?, ?, now() + interval '1 second')""",
                subject, organization, UUID.randomUUID(), UUID.randomUUID());
        assertThat(gate.enter(work(subject, organization))).isInstanceOf(Busy.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> gate.enter(work(subject, organization))
                instanceof Admitted admitted && release(admitted));
    }

    @Test
    void thisNodeRenewsTheLeasesItHolds() {
        Admitted held = admitted(gate.enter(work(UUID.randomUUID(), UUID.randomUUID())));
        java.sql.Timestamp first = jdbc.queryForObject("SELECT max(expires_at) FROM external_work_lease",
                java.sql.Timestamp.class);
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT max(expires_at) FROM external_work_lease", java.sql.Timestamp.class).after(first));
        held.release();
    }

    private static Work work(UUID subject, UUID organization) {
        return new Work(subject, organization, List.of(UUID.randomUUID(), UUID.randomUUID()), false);
    }

    private static Admitted admitted(Admission admission) {
        assertThat(admission).isInstanceOf(Admitted.class);
        return (Admitted) admission;
    }

    private static boolean release(Admitted admitted) {
        admitted.release();
        return true;
    }
}
