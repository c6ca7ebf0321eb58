package io.pipewright.app.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.prometheus.metrics.model.snapshots.Unit;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.stereotype.Component;

/**
 * The per-pipeline series of {@code /actuator/prometheus}, labelled {@code pipeline_id}, {@code pipeline_name} and
 * {@code organization_id}: status, slot lag, retained WAL, connector restarts and the age of the last health check of
 * every live pipeline (a deleted one is not exported). They are read when Prometheus scrapes, in one query over the
 * pipeline view and the health table bounded by {@code pipewright.metrics.pipeline-query-timeout}, so between scrapes
 * ten thousand pipelines cost nothing: no meter per pipeline to register, update or remove. When the query fails the
 * scrape still answers, without these series, and {@code pipewright_pipeline_metrics_failures_total} counts it. It
 * joins the Prometheus registry when there is one (a Spring Boot test turns metric exporters off).
 */
@Component
class PipelineMetrics implements MultiCollector {

    private static final Logger LOG = LoggerFactory.getLogger(PipelineMetrics.class);

    static final String STATUS = "pipewright_pipeline_status";
    static final String SOURCE_LAG = "pipewright_pipeline_source_lag_bytes";
    static final String RETAINED_WAL = "pipewright_pipeline_retained_wal_bytes";
    static final String RESTARTS = "pipewright_pipeline_connector_restarts";
    static final String HEALTH_CHECK_AGE = "pipewright_pipeline_health_check_age_seconds";

    private static final String QUERY = """
            SELECT v.id, v.name, v.organization_id, v.status, v.connector_restarts,
                   h.source_lag_bytes, h.retained_wal_bytes, h.last_health_check_at
            FROM pipeline_view v LEFT JOIN pipeline_health h ON h.pipeline_id = v.id
            WHERE v.status <> 'Deleted'""";

    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final Counter failures;

    PipelineMetrics(DataSource dataSource, Clock clock, ObjectProvider<PrometheusRegistry> prometheus,
                    MeterRegistry meters,
                    @Value("${pipewright.metrics.pipeline-query-timeout:PT5S}") Duration queryTimeout) {
        this.jdbc = new JdbcTemplate(dataSource);
        this.jdbc.setQueryTimeout(Math.toIntExact(Math.max(1, queryTimeout.toSeconds())));
        this.clock = clock;
        this.failures = Counter.builder("pipewright.pipeline.metrics.failures")
                .description("Scrapes without the per-pipeline series: their query failed or timed out")
                .register(meters);
        prometheus.ifAvailable(registry -> registry.register(this));
    }

    @Override
    public List<String> getPrometheusNames() {
        return List.of(STATUS, SOURCE_LAG, RETAINED_WAL, RESTARTS, HEALTH_CHECK_AGE);
    }

    @Override
    public MetricSnapshots collect() {
        Series series = new Series(clock.millis());
        try {
            jdbc.query(QUERY, (RowCallbackHandler) series::add);
        } catch (DataAccessException failed) {
            failures.increment();
            LOG.warn("The per-pipeline metrics were left out of this scrape: {}", failed.getMessage());
            return MetricSnapshots.of();
        }
        return series.build();
    }

    /** The data points of one scrape, a row at a time. */
    private static final class Series {

        private final long nowMillis;
        private final GaugeSnapshot.Builder status = GaugeSnapshot.builder().name(STATUS)
                .help("1 for every live pipeline, labelled with its current status");
        private final GaugeSnapshot.Builder sourceLag = GaugeSnapshot.builder().name(SOURCE_LAG).unit(Unit.BYTES)
                .help("WAL the pipeline's replication slot has not confirmed yet, at the last health check");
        private final GaugeSnapshot.Builder retainedWal = GaugeSnapshot.builder().name(RETAINED_WAL).unit(Unit.BYTES)
                .help("WAL the source keeps for the pipeline's replication slot, at the last health check");
        private final CounterSnapshot.Builder restarts = CounterSnapshot.builder().name(RESTARTS)
                .help("Restarts of the pipeline's failed connector or tasks by the reconciler");
        private final GaugeSnapshot.Builder healthCheckAge = GaugeSnapshot.builder().name(HEALTH_CHECK_AGE)
                .unit(Unit.SECONDS).help("Time since the pipeline's last health check");

        Series(long nowMillis) {
            this.nowMillis = nowMillis;
        }

        void add(ResultSet row) throws SQLException {
            Labels labels = Labels.of("pipeline_id", row.getString("id"), "pipeline_name", row.getString("name"),
                    "organization_id", row.getString("organization_id"));
            status.dataPoint(gauge(labels.add("status", row.getString("status")), 1));
            restarts.dataPoint(CounterDataPointSnapshot.builder().labels(labels)
                    .value(row.getLong("connector_restarts")).build());
            long lag = row.getLong("source_lag_bytes");
            if (!row.wasNull()) {
                sourceLag.dataPoint(gauge(labels, lag));
            }
            long retained = row.getLong("retained_wal_bytes");
            if (!row.wasNull()) {
                retainedWal.dataPoint(gauge(labels, retained));
            }
            Timestamp checked = row.getTimestamp("last_health_check_at");
            if (checked != null) {
                healthCheckAge.dataPoint(gauge(labels,
                        Unit.millisToSeconds(Math.max(0, nowMillis - checked.getTime()))));
            }
        }

        MetricSnapshots build() {
            return MetricSnapshots.of(status.build(), sourceLag.build(), retainedWal.build(), restarts.build(),
                    healthCheckAge.build());
        }

        private static GaugeDataPointSnapshot gauge(Labels labels, double value) {
            return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
        }
    }
}
