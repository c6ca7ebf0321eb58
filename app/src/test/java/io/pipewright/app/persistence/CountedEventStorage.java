package io.pipewright.app.persistence;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.sql.DataSource;
import org.axonframework.common.jdbc.DataSourceConnectionProvider;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.DomainEventData;
import org.axonframework.eventsourcing.eventstore.jdbc.JdbcEventStorageEngine;
import org.axonframework.serialization.Serializer;

/**
 * The control plane's event storage engine (its table names and its serializer) on a scratch database, without a
 * Spring context, that keeps a record of every query for one aggregate's events: from which sequence number it read
 * and how many events it returned. For tests of code that reads aggregates' events and must not read more than it
 * needs.
 */
public final class CountedEventStorage extends JdbcEventStorageEngine {

    /** One query of an aggregate's events. */
    public record Fetch(String aggregateIdentifier, long firstSequenceNumber, int events) {
    }

    private final List<Fetch> fetches = new CopyOnWriteArrayList<>();

    private CountedEventStorage(Builder builder) {
        super(builder);
    }

    public static CountedEventStorage on(DataSource dataSource) {
        Serializer serializer = new AxonSerialization().serializer();
        return new CountedEventStorage(JdbcEventStorageEngine.builder()
                .connectionProvider(new DataSourceConnectionProvider(dataSource))
                .transactionManager(NoTransactionManager.INSTANCE)
                .eventSerializer(serializer)
                .snapshotSerializer(serializer)
                .schema(new AxonJdbcSchemas().eventSchema()));
    }

    @Override
    protected List<? extends DomainEventData<?>> fetchDomainEvents(String aggregateIdentifier,
                                                                  long firstSequenceNumber, int batchSize) {
        List<? extends DomainEventData<?>> events = super.fetchDomainEvents(aggregateIdentifier, firstSequenceNumber,
                batchSize);
        fetches.add(new Fetch(aggregateIdentifier, firstSequenceNumber, events.size()));
        return events;
    }

    /** The queries of {@code aggregateIdentifier}'s events so far, oldest first; and forgets them. */
    public List<Fetch> takeFetches(String aggregateIdentifier) {
        List<Fetch> of = fetches.stream().filter(fetch -> fetch.aggregateIdentifier().equals(aggregateIdentifier))
                .toList();
        fetches.removeAll(of);
        return of;
    }
}
