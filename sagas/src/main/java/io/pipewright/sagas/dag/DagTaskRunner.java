package io.pipewright.sagas.dag;

import io.pipewright.kernel.dag.CheckResult;
import io.pipewright.kernel.dag.DagTask;
import io.pipewright.sagas.provisioning.ServiceRecord;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * Runs one attempt of a DAG task on the tenant's services, bounded by the task's timeout, and says how it ended. Every
 * attempt may run again after a crash (a deadline fires twice): a SQL task replaces its output atomically, a quality
 * task only reads, a notification may be delivered twice (at least once, like every Kafka producer without
 * transactions).
 */
public interface DagTaskRunner {

    Outcome run(Attempt attempt);

    /**
     * What one attempt needs. {@code upstreamOutputs}: the {@code output} tables of the task's dependencies (a quality
     * task checks them); {@code postgres}/{@code kafka}: the pipeline's services (null when it names none);
     * {@code runStatus}: for a notification, what it reports ({@code running} for a task in the DAG; {@code failed}
     * for the on_failure notification).
     */
    record Attempt(UUID pipelineId, String pipelineName, UUID runId, String executionDate, DagTask task, int attempt,
                   List<String> upstreamOutputs, ServiceRecord postgres, String database, ServiceRecord kafka,
                   String runStatus, Duration timeout) {

        public Attempt {
            upstreamOutputs = List.copyOf(upstreamOutputs);
        }
    }

    sealed interface Outcome permits Succeeded, Failed {
    }

    /** {@code rowsWritten}: a SQL task's output rows (else null); {@code checks}: a quality task's (else empty). */
    record Succeeded(Long rowsWritten, List<CheckResult> checks) implements Outcome {

        public Succeeded {
            checks = List.copyOf(checks);
        }
    }

    /**
     * {@code error}: what went wrong, in words, without secrets; {@code retryable}: false when another attempt cannot
     * change it (a check that does not hold, a query that does not compile on the source).
     */
    record Failed(String error, boolean retryable, List<CheckResult> checks) implements Outcome {

        public Failed {
            checks = List.copyOf(checks);
        }
    }
}
