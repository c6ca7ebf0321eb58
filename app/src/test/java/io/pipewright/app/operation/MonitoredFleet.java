package io.pipewright.app.operation;

import io.pipewright.app.support.PipewrightClient;
import io.pipewright.localstack.LocalStack;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Many Running pipelines for the health monitor, without provisioning them: one real source, stand-in Connect workers
 * each holding its share of RUNNING connectors, registered as sinks, and the {@code pipeline_health} rows the
 * pipeline-health event handler would have written for them, all due now.
 */
final class MonitoredFleet implements AutoCloseable {

    private final StandInConnectWorkers workers;

    private MonitoredFleet(StandInConnectWorkers workers) {
        this.workers = workers;
    }

    /** {@code pipelines} spread round-robin over {@code workerCount} workers. */
    static MonitoredFleet of(PipewrightClient api, LocalStack stack, JdbcTemplate jdbc, int pipelines,
                             int workerCount) {
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String source = api.register(api.source("fleet-source-" + suffix, "local"));
        api.awaitServiceRunning(source);
        List<UUID> ids = new ArrayList<>();
        List<List<String>> connectorsByWorker = new ArrayList<>();
        for (int worker = 0; worker < workerCount; worker++) {
            connectorsByWorker.add(new ArrayList<>());
        }
        for (int i = 0; i < pipelines; i++) {
            UUID id = UUID.randomUUID();
            ids.add(id);
            connectorsByWorker.get(i % workerCount).add("mdb-pipeline-" + id.toString().substring(0, 8));
        }
        StandInConnectWorkers workers = new StandInConnectWorkers(connectorsByWorker, stack.source().host(),
                stack.source().port());
        List<String> sinks = new ArrayList<>();
        for (int worker = 0; worker < workerCount; worker++) {
            String sink = api.register(api.sink("fleet-kafka-" + suffix + "-" + worker, "local", workers.url(worker)));
            api.awaitServiceRunning(sink);
            sinks.add(sink);
        }
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < pipelines; i++) {
            rows.add(new Object[] {ids.get(i), source, sinks.get(i % workerCount)});
        }
        jdbc.batchUpdate("""
                INSERT INTO pipeline_health (pipeline_id, source_service_id, sink_service_id, monitored,
                    next_check_at, recorded_state, recorded_tasks)
                VALUES (?, ?::uuid, ?::uuid, true, now(), 'RUNNING', '0:RUNNING')""", rows);
        return new MonitoredFleet(workers);
    }

    /** How many times the workers were asked for their connectors so far. */
    int listings() {
        return workers.listings();
    }

    @Override
    public void close() {
        workers.close();
    }
}
