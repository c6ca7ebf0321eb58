package io.pipewright.adapters.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.pipewright.app.persistence.CountedEventStorage;
import io.pipewright.app.persistence.CountedEventStorage.Fetch;
import io.pipewright.app.support.ControlPlaneDatabase;
import io.pipewright.kernel.secret.SecretRef;
import io.pipewright.kernel.service.HbaManagement;
import io.pipewright.kernel.service.ManagedServiceDeregistered;
import io.pipewright.kernel.service.ManagedServiceRegistered;
import io.pipewright.kernel.service.ManagedServiceStatusChanged;
import io.pipewright.kernel.service.NodeRole;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.kernel.service.ServiceType;
import io.pipewright.kernel.service.SslMode;
import io.pipewright.sagas.provisioning.ServiceRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.messaging.unitofwork.DefaultUnitOfWork;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The services as their events say, on the control plane's real event store: each lookup as current as the stored
 * events (whoever stored them), and none reading again the events an earlier lookup of the same service read.
 */
class EventSourcedServiceDirectoryTest {

    private static final Instant AT = Instant.parse("2026-06-22T10:00:00Z");

    private static CountedEventStorage events;
    private static EmbeddedEventStore eventStore;

    private final EventSourcedServiceDirectory directory = new EventSourcedServiceDirectory(eventStore, 100);
    private final Map<UUID, AtomicLong> nextSequence = new ConcurrentHashMap<>();

    @BeforeAll
    static void eventStore() {
        events = CountedEventStorage.on(ControlPlaneDatabase.migratedDatabase("directory"));
        eventStore = EmbeddedEventStore.builder().storageEngine(events).build();
    }

    @AfterAll
    static void stop() {
        eventStore.shutDown();
    }

    @Test
    void aLookupShowsTheServiceAsItsLatestStoredEventSays() {
        UUID service = UUID.randomUUID();
        append(service, registered(service));
        assertThat(directory.find(service)).map(ServiceRecord::status).contains(ServiceStatus.PENDING);

        append(service, new ManagedServiceStatusChanged(service, ServiceStatus.RUNNING, null,
                Map.of("kafka-connect", ServiceStatus.RUNNING), AT));
        Optional<ServiceRecord> running = directory.find(service);
        assertThat(running).map(ServiceRecord::status).contains(ServiceStatus.RUNNING);
        assertThat(running).map(ServiceRecord::addonStatuses).contains(Map.of("kafka-connect", ServiceStatus.RUNNING));
        assertThat(running).map(ServiceRecord::postgres).contains(registered(service).postgres());

        append(service, new ManagedServiceStatusChanged(service, ServiceStatus.FAILED, "connection refused",
                Map.of(), AT));
        assertThat(directory.find(service)).map(ServiceRecord::status).contains(ServiceStatus.FAILED);

        append(service, new ManagedServiceDeregistered(service, AT));
        assertThat(directory.find(service)).isEmpty();
        assertThat(directory.find(service)).isEmpty();
    }

    @Test
    void aLookupReadsOnlyTheEventsStoredSinceTheLastLookupOfTheService() {
        UUID service = UUID.randomUUID();
        append(service, registered(service));
        append(service, new ManagedServiceStatusChanged(service, ServiceStatus.RUNNING, null, Map.of(), AT));

        directory.find(service);
        assertThat(events.takeFetches(service.toString())).first().isEqualTo(new Fetch(service.toString(), 0, 2));

        directory.find(service);
        directory.find(service);
        assertThat(events.takeFetches(service.toString())).extracting(Fetch::firstSequenceNumber, Fetch::events)
                .containsOnly(tuple(2L, 0));

        append(service, new ManagedServiceStatusChanged(service, ServiceStatus.PENDING, "restarting", Map.of(), AT));
        assertThat(directory.find(service)).map(ServiceRecord::status).contains(ServiceStatus.PENDING);
        assertThat(events.takeFetches(service.toString())).first().isEqualTo(new Fetch(service.toString(), 2, 1));
        directory.find(service);
        assertThat(events.takeFetches(service.toString())).first().isEqualTo(new Fetch(service.toString(), 3, 0));
    }

    /**
     * Inside a unit of work the event store also shows the events staged in it; a lookup there sees them, and what it
     * read is remembered only if the unit of work commits: a rolled-back status never outlives its unit of work.
     */
    @Test
    void whatALookupReadInAUnitOfWorkIsRememberedOnlyOnceItCommitted() {
        UUID service = UUID.randomUUID();
        append(service, registered(service));

        DefaultUnitOfWork<?> rolledBack = DefaultUnitOfWork.startAndGet(null);
        eventStore.publish(new GenericDomainEventMessage<>("ManagedService", service.toString(), 1,
                new ManagedServiceStatusChanged(service, ServiceStatus.RUNNING, null, Map.of(), AT)));
        assertThat(directory.find(service)).map(ServiceRecord::status).contains(ServiceStatus.RUNNING);
        rolledBack.rollback();
        assertThat(directory.find(service)).map(ServiceRecord::status).contains(ServiceStatus.PENDING);
        assertThat(events.takeFetches(service.toString())).filteredOn(fetch -> fetch.firstSequenceNumber() == 0)
                .as("nothing was remembered from the rolled-back unit of work: both lookups read from the start")
                .hasSize(2);

        EventSourcedServiceDirectory freshMemory = new EventSourcedServiceDirectory(eventStore, 100);
        DefaultUnitOfWork<?> committed = DefaultUnitOfWork.startAndGet(null);
        assertThat(freshMemory.find(service)).map(ServiceRecord::status).contains(ServiceStatus.PENDING);
        assertThat(freshMemory.find(service)).map(ServiceRecord::status).contains(ServiceStatus.PENDING);
        committed.commit();
        freshMemory.find(service);
        List<Fetch> fetches = events.takeFetches(service.toString());
        assertThat(fetches).filteredOn(fetch -> fetch.firstSequenceNumber() == 0)
                .as("both lookups inside the unit of work read from the start").hasSize(2);
        assertThat(fetches).last().as("the lookup after its commit read only what came after")
                .isEqualTo(new Fetch(service.toString(), 1, 0));
    }

    /**
     * A lookup from a unit of work's last phases (an after-commit or clean-up handler) works, and remembers only what
     * a committed unit of work read.
     */
    @Test
    void aLookupAfterItsUnitOfWorkCommittedOrRolledBackIsRememberedOnlyAfterTheCommit() {
        UUID service = UUID.randomUUID();
        append(service, registered(service));
        EventSourcedServiceDirectory freshMemory = new EventSourcedServiceDirectory(eventStore, 100);
        List<Optional<ServiceRecord>> found = new ArrayList<>();

        DefaultUnitOfWork<?> rolledBack = DefaultUnitOfWork.startAndGet(null);
        rolledBack.onCleanup(cleaningUp -> found.add(freshMemory.find(service)));
        rolledBack.rollback();
        freshMemory.find(service);
        assertThat(events.takeFetches(service.toString())).filteredOn(fetch -> fetch.firstSequenceNumber() == 0)
                .as("nothing was remembered in the rolled-back unit of work's clean-up").hasSize(2);

        EventSourcedServiceDirectory otherMemory = new EventSourcedServiceDirectory(eventStore, 100);
        DefaultUnitOfWork<?> committed = DefaultUnitOfWork.startAndGet(null);
        committed.afterCommit(done -> found.add(otherMemory.find(service)));
        committed.onCleanup(cleaningUp -> found.add(otherMemory.find(service)));
        committed.commit();
        otherMemory.find(service);
        List<Fetch> fetches = events.takeFetches(service.toString());
        assertThat(fetches).filteredOn(fetch -> fetch.firstSequenceNumber() == 0)
                .as("what the after-commit lookup read was remembered").hasSize(1);
        assertThat(fetches).last().isEqualTo(new Fetch(service.toString(), 1, 0));
        assertThat(found).hasSize(3).allSatisfy(record ->
                assertThat(record).map(ServiceRecord::status).contains(ServiceStatus.PENDING));
    }

    @Test
    void anIdWithNoEventsIsNotAServiceUntilOneIsRegisteredUnderIt() {
        UUID service = UUID.randomUUID();
        assertThat(directory.find(service)).isEmpty();
        assertThat(directory.find(service)).isEmpty();

        append(service, registered(service));
        assertThat(directory.find(service)).map(ServiceRecord::serviceId).contains(service);
    }

    @Test
    void directoriesOfTwoNodesEachSeeWhatTheOtherStored() {
        UUID service = UUID.randomUUID();
        EventSourcedServiceDirectory otherNode = new EventSourcedServiceDirectory(eventStore, 100);
        append(service, registered(service));
        assertThat(directory.find(service)).map(ServiceRecord::status).contains(ServiceStatus.PENDING);
        assertThat(otherNode.find(service)).map(ServiceRecord::status).contains(ServiceStatus.PENDING);

        append(service, new ManagedServiceStatusChanged(service, ServiceStatus.RUNNING, null, Map.of(), AT));
        assertThat(otherNode.find(service)).map(ServiceRecord::status).contains(ServiceStatus.RUNNING);
        assertThat(directory.find(service)).map(ServiceRecord::status).contains(ServiceStatus.RUNNING);
    }

    @Test
    void aServiceTheMemoryLetGoIsReadWholeAgain() {
        EventSourcedServiceDirectory small = new EventSourcedServiceDirectory(eventStore, 1);
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        append(first, registered(first));
        append(second, registered(second));
        for (int round = 0; round < 20; round++) {
            assertThat(small.find(first)).map(ServiceRecord::serviceId).contains(first);
            assertThat(small.find(second)).map(ServiceRecord::serviceId).contains(second);
        }
        long wholeReads = events.takeFetches(first.toString()).stream()
                .filter(fetch -> fetch.firstSequenceNumber() == 0).count()
                + events.takeFetches(second.toString()).stream().filter(fetch -> fetch.firstSequenceNumber() == 0)
                .count();
        assertThat(wholeReads).as("a memory of one service read the two services from their first event again")
                .isGreaterThan(2);
    }

    private void append(UUID service, Object event) {
        long sequence = nextSequence.computeIfAbsent(service, id -> new AtomicLong()).getAndIncrement();
        events.appendEvents(List.of(new GenericDomainEventMessage<>("ManagedService", service.toString(), sequence,
                event)));
    }

    private static ManagedServiceRegistered registered(UUID service) {
        return new ManagedServiceRegistered(service, UUID.fromString("5b1c6a8e-0a3f-4f4e-9d1c-2f1e7c0d9a11"),
                new ServiceDescription("orders-pg", ServiceType.POSTGRESQL, "17", "se-sto1", "tier-2", 100, "maxiops",
                        List.of()),
                "europe",
                new PostgresEndpoint(List.of(new PostgresNode("10.0.0.5", 5432, NodeRole.PRIMARY)), "postgres",
                        "pipewright_admin", new SecretRef(UUID.fromString("0b0c0d0e-0000-4000-8000-000000000009")),
                        HbaManagement.SUPERUSER_SQL, SslMode.VERIFY_FULL, null),
                null, AT);
    }
}
