package io.pipewright.app.metrics;

import io.pipewright.query.operator.ProcessorPositions;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.List;
import org.axonframework.common.AxonException;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * {@code pipewright_event_processor_lag_events{processor=...}}: how many stored events each tracking processor (the
 * views, the sagas, the health registry, the step timer) has still to handle, as {@code GET /operator/projections}
 * counts them, read when Prometheus scrapes (one query for the head of the event store). A processor is reported by
 * the nodes that hold its segments: a node that holds none would report the whole store as its lag. With several
 * nodes, the lag of a processor is the largest any node reports. It joins the Prometheus registry when there is one
 * (a Spring Boot test turns metric exporters off).
 */
@Component
class EventProcessorLag implements MultiCollector {

    private static final Logger LOG = LoggerFactory.getLogger(EventProcessorLag.class);
    static final String LAG = "pipewright_event_processor_lag_events";

    private final EventProcessingConfiguration processing;
    private final EventStore events;

    EventProcessorLag(EventProcessingConfiguration processing, EventStore events,
                      ObjectProvider<PrometheusRegistry> prometheus) {
        this.processing = processing;
        this.events = events;
        prometheus.ifAvailable(registry -> registry.register(this));
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(LAG);
    }

    @Override
    public MetricSnapshots collect() {
        long head;
        try {
            head = ProcessorPositions.head(events);
        } catch (AxonException unreadable) {
            LOG.warn("The event processors' lag was left out of this scrape: {}", unreadable.getMessage());
            return MetricSnapshots.of();
        }
        GaugeSnapshot.Builder lag = GaugeSnapshot.builder().name(LAG).unit(new Unit("events"))
                .help("Stored events the tracking processor has still to handle, on the node holding its segments");
        processing.eventProcessors().values().stream()
                .filter(StreamingEventProcessor.class::isInstance)
                .map(StreamingEventProcessor.class::cast)
                .filter(processor -> processor.isRunning() && !processor.processingStatus().isEmpty())
                .forEach(processor -> lag.dataPoint(GaugeDataPointSnapshot.builder()
                        .labels(Labels.of("processor", processor.getName()))
                        .value(ProcessorPositions.remaining(head, ProcessorPositions.position(processor)))
                        .build()));
        return MetricSnapshots.of(lag.build());
    }
}
