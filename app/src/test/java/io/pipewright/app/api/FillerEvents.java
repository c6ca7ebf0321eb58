package io.pipewright.app.api;

import io.pipewright.app.support.PipewrightClient;
import io.pipewright.kernel.service.ManagedServiceStatusChanged;
import io.pipewright.kernel.service.ServiceStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.messaging.MetaData;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Enough events for a rebuild benchmark without creating a hundred thousand pipelines through the API: services of
 * their own (the stack's Kafka without addons, so no pipeline uses them and their probe finds them Running), and on
 * each a run of {@link ManagedServiceStatusChanged} events saying what its probe says, appended to the event store
 * in batches the way the command side appends them. Each is a real update of its view row on replay; since the
 * aggregate's state does not change, a probe meanwhile appends nothing, so nothing races the appends.
 */
final class FillerEvents {

    private static final int SERVICES = 50;
    private static final int BATCH = 1_000;

    private FillerEvents() {
    }

    /** Appends {@code count} events (rounded up to whole batches) and returns how many it appended. */
    static long append(PipewrightClient api, EventStore store, JdbcTemplate jdbc, long count) {
        if (count <= 0) {
            return 0;
        }
        List<UUID> services = new ArrayList<>();
        for (int i = 0; i < SERVICES; i++) {
            String id = api.register(api.sink("bench-filler-" + i, "local", null));
            api.awaitServiceRunning(id);
            services.add(UUID.fromString(id));
        }
        long perService = (count + SERVICES - 1) / SERVICES;
        long appended = 0;
        for (UUID service : services) {
            long next = jdbc.queryForObject("SELECT max(sequence_number) FROM domain_event_entry "
                    + "WHERE aggregate_identifier = ?", Long.class, service.toString()) + 1;
            for (long done = 0; done < perService; done += BATCH) {
                List<EventMessage<?>> batch = new ArrayList<>();
                for (long i = done; i < Math.min(done + BATCH, perService); i++) {
                    batch.add(new GenericDomainEventMessage<>("ManagedService", service.toString(), next++,
                            new ManagedServiceStatusChanged(service, ServiceStatus.RUNNING, null, Map.of(),
                                    Instant.now()), MetaData.with("actor", "api-benchmark")));
                }
                store.publish(batch);
                appended += batch.size();
            }
        }
        return appended;
    }
}
