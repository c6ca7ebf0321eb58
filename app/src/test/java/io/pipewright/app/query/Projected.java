package io.pipewright.app.query;

import static org.awaitility.Awaitility.await;

import io.pipewright.query.Projections;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.core.ConditionFactory;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Waits, through the database, until the projections have handled every event of a stream: cheaper than polling the
 * API, whose every request costs a bcrypt check on machines that are small and shared.
 */
final class Projected {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    private final JdbcTemplate jdbc;

    Projected(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    static ConditionFactory patiently() {
        return await().atMost(PATIENCE);
    }

    /**
     * Stops every event processor but the query side's. The tests write aggregates' streams directly; a saga
     * answering those events (probing a fixture's unreachable hosts, provisioning) would append to the same streams.
     * Call it before the first event of a context is published.
     */
    static void onlyProjectionsRun(EventProcessingConfiguration processing) {
        processing.eventProcessors().values().stream()
                .filter(processor -> !Projections.ALL.contains(processor.getName()))
                .forEach(EventProcessor::shutDown);
    }

    void awaitPipeline(UUID pipelineId) {
        awaitView("pipeline_view", pipelineId);
    }

    void awaitService(UUID serviceId) {
        awaitView("managed_service_view", serviceId);
    }

    private void awaitView(String view, UUID id) {
        patiently().until(() -> jdbc.queryForObject("SELECT count(*) FROM " + view + " v WHERE v.id = ?"
                        + " AND v.last_sequence = (SELECT max(sequence_number) FROM domain_event_entry"
                        + " WHERE aggregate_identifier = ?)",
                Long.class, id, id.toString()) == 1);
    }
}
