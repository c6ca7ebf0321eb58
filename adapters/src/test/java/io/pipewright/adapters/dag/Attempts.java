package io.pipewright.adapters.dag;

import io.pipewright.adapters.support.InMemoryVault;
import io.pipewright.kernel.dag.DagTask;
import io.pipewright.kernel.service.HbaManagement;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.NodeRole;
import io.pipewright.kernel.service.PostgresEndpoint;
import io.pipewright.kernel.service.PostgresNode;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.kernel.service.SslMode;
import io.pipewright.localstack.PostgresServer;
import io.pipewright.sagas.dag.DagTaskRunner.Attempt;
import io.pipewright.sagas.provisioning.ServiceRecord;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Attempts of DAG tasks on the local stack's services, as the run saga builds them. */
final class Attempts {

    static final String EXECUTION_DATE = "2024-05-01";

    private Attempts() {
    }

    static DagTask sql(String id, String query, String output, int timeoutSeconds) {
        return new DagTask(id, DagTask.SQL, query, output, List.of(), List.of(), null, null, 0, 1, timeoutSeconds);
    }

    static DagTask quality(String id, List<String> checks) {
        return new DagTask(id, DagTask.QUALITY, null, null, List.of("upstream"), checks, null, null, 0, 1, 30);
    }

    static DagTask notification(String id, String channel, String message) {
        return new DagTask(id, DagTask.NOTIFICATION, null, null, List.of("upstream"), List.of(), channel, message, 0,
                1, 10);
    }

    /** An attempt of {@code task} of pipeline {@code pipelineName} on {@code database} of {@code source}. */
    static Attempt onPostgres(DagTask task, String pipelineName, PostgresServer source, InMemoryVault vault,
                              String database, List<String> upstreamOutputs) {
        PostgresEndpoint endpoint = new PostgresEndpoint(List.of(new PostgresNode(source.host(), source.port(),
                NodeRole.PRIMARY)), "postgres", source.superuser(), vault.vaulted(source.superuserPassword()),
                HbaManagement.EXTERNAL, SslMode.REQUIRE, null);
        ServiceRecord postgres = new ServiceRecord(UUID.randomUUID(), null, null, endpoint, null,
                ServiceStatus.RUNNING, Map.of());
        return new Attempt(UUID.randomUUID(), pipelineName, UUID.randomUUID(), EXECUTION_DATE, task, 1,
                upstreamOutputs, postgres, database, null, "running", Duration.ofSeconds(task.timeoutSeconds()));
    }

    static Attempt onKafka(DagTask task, String pipelineName, KafkaEndpoint kafka, String runStatus) {
        ServiceRecord service = new ServiceRecord(UUID.randomUUID(), null, null, null, kafka, ServiceStatus.RUNNING,
                Map.of());
        return new Attempt(UUID.randomUUID(), pipelineName, UUID.randomUUID(), EXECUTION_DATE, task, 1, List.of(),
                null, null, service, runStatus, Duration.ofSeconds(task.timeoutSeconds()));
    }
}
