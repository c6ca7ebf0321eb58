package io.pipewright.adapters.tenancy;

import io.pipewright.sagas.tenancy.ExternalWorkGate;
import java.sql.Array;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The {@link ExternalWorkGate} in the control plane's PostgreSQL, so that it holds across nodes: a lease row per
 * subject in {@code external_work_lease}, taken in one short transaction that holds the organization's advisory lock
 * while it counts the organization's and the services' leases, so concurrent admissions never exceed the bounds. No
 * connection is held while the admitted work runs. This node renews the leases it holds every third of their
 * lifetime; a node that dies stops renewing, and its leases expire.
 */
@Component
class JdbcExternalWorkGate implements ExternalWorkGate, DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcExternalWorkGate.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final int maxPerOrganization;
    private final int maxPerService;
    private final Duration lease;
    private final Duration busyRetry;
    private final UUID nodeId = UUID.randomUUID();
    private final Set<UUID> held = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService renewer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "external-work-lease-renewer");
        thread.setDaemon(true);
        return thread;
    });

    JdbcExternalWorkGate(JdbcTemplate jdbc, PlatformTransactionManager transactionManager,
                         @Value("${pipewright.tenancy.max-work-per-organization:6}") int maxPerOrganization,
                         @Value("${pipewright.tenancy.max-work-per-service:6}") int maxPerService,
                         @Value("${pipewright.tenancy.work-lease:PT15S}") Duration lease,
                         @Value("${pipewright.tenancy.busy-retry:PT1S}") Duration busyRetry) {
        if (maxPerOrganization < 1 || maxPerService < 1) {
            throw new IllegalArgumentException("pipewright.tenancy.max-work-per-* must be at least 1");
        }
        this.jdbc = jdbc;
        this.transactions = new TransactionTemplate(transactionManager);
        this.maxPerOrganization = maxPerOrganization;
        this.maxPerService = maxPerService;
        this.lease = lease;
        this.busyRetry = busyRetry;
        long renewEvery = Math.max(1, lease.toMillis() / 3);
        renewer.scheduleWithFixedDelay(this::renew, renewEvery, renewEvery, TimeUnit.MILLISECONDS);
    }

    @Override
    public Admission enter(Work work) {
        UUID holder = UUID.randomUUID();
        Admission admission = transactions.execute(status -> admit(work, holder));
        if (admission instanceof Admitted) {
            held.add(holder);
        }
        return admission;
    }

    private Admission admit(Work work, UUID holder) {
        jdbc.queryForList("SELECT pg_advisory_xact_lock(hashtextextended('pipewright-work:' || ?::text, 0))",
                work.organizationId());
        if (!work.teardown() && Boolean.TRUE.equals(jdbc.query(
                "SELECT deletion_requested FROM pipeline_registry WHERE pipeline_id = ?",
                rows -> rows.next() ? rows.getBoolean(1) : null, work.subjectId()))) {
            return new SubjectDeleted();
        }
        Integer subjectBusy = jdbc.queryForObject(
                "SELECT count(*) FROM external_work_lease WHERE subject_id = ? AND expires_at > now()",
                Integer.class, work.subjectId());
        if (subjectBusy > 0) {
            return busy("other work of " + work.subjectId() + " is in flight");
        }
        Integer ofOrganization = jdbc.queryForObject("""
                SELECT count(*) FROM external_work_lease
                WHERE organization_id = ? AND expires_at > now() AND subject_id <> ?""",
                Integer.class, work.organizationId(), work.subjectId());
        if (ofOrganization >= maxPerOrganization) {
            return busy("organization " + work.organizationId() + " has " + ofOrganization + " works in flight");
        }
        Integer ofServices = jdbc.execute((ConnectionCallback<Integer>) connection -> {
            Array services = connection.createArrayOf("uuid", work.serviceIds().toArray());
            return jdbc.queryForObject("""
                    SELECT coalesce(max(in_flight), 0) FROM (
                        SELECT count(*) AS in_flight FROM external_work_lease, unnest(service_ids) AS service_id
                        WHERE expires_at > now() AND subject_id <> ? AND service_id = ANY (?)
                        GROUP BY service_id) AS per_service""", Integer.class, work.subjectId(), services);
        });
        if (ofServices >= maxPerService) {
            return busy("a service of " + work.subjectId() + " has " + ofServices + " works in flight");
        }
        jdbc.execute((ConnectionCallback<Integer>) connection -> jdbc.update("""
                        INSERT INTO external_work_lease (subject_id, organization_id, service_ids, holder, node_id,
                            expires_at)
                        VALUES (?, ?, ?, ?, ?, now() + make_interval(secs => ?))
                        ON CONFLICT (subject_id) DO UPDATE SET organization_id = excluded.organization_id,
                            service_ids = excluded.service_ids, holder = excluded.holder, node_id = excluded.node_id,
                            expires_at = excluded.expires_at""",
                work.subjectId(), work.organizationId(),
                connection.createArrayOf("uuid", work.serviceIds().toArray()), holder, nodeId,
                lease.toMillis() / 1000.0));
        return (Admitted) () -> release(holder);
    }

    private Busy busy(String reason) {
        long jitter = ThreadLocalRandom.current().nextLong(Math.max(1, busyRetry.toMillis() / 2));
        return new Busy(busyRetry.plusMillis(jitter), reason);
    }

    private void release(UUID holder) {
        held.remove(holder);
        jdbc.update("DELETE FROM external_work_lease WHERE holder = ?", holder);
    }

    private void renew() {
        if (held.isEmpty()) {
            return;
        }
        try {
            jdbc.update("UPDATE external_work_lease SET expires_at = now() + make_interval(secs => ?) WHERE node_id = ?",
                    lease.toMillis() / 1000.0, nodeId);
        } catch (RuntimeException e) {
            LOG.warn("Could not renew this node's external work leases: {}", e.toString());
        }
    }

    @Override
    public void destroy() {
        renewer.shutdownNow();
    }
}
