package io.pipewright.adapters.probe;

import io.pipewright.adapters.connect.EndpointCheck;
import io.pipewright.kernel.policy.EndpointPolicy;
import io.pipewright.kernel.policy.EndpointRefused;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.sagas.service.ProbeResult;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A Kafka service is Running when its cluster describes itself; its kafka-connect addon is Running when the
 * Connect REST API answers.
 */
@Component
class KafkaProbe {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final WebClient http;
    private final EndpointPolicy endpoints;

    KafkaProbe(WebClient.Builder http, EndpointPolicy endpoints) {
        this.http = http.filter(EndpointCheck.before(endpoints)).build();
        this.endpoints = endpoints;
    }

    ProbeResult probe(KafkaEndpoint endpoint) {
        String clusterProblem = clusterProblem(endpoint.bootstrapServers());
        if (endpoint.connect() == null) {
            return new ProbeResult(clusterProblem == null ? ServiceStatus.RUNNING : ServiceStatus.PENDING,
                    clusterProblem, Map.of());
        }
        String connectProblem = connectProblem(endpoint.connect().url());
        ServiceStatus connect = connectProblem == null ? ServiceStatus.RUNNING : ServiceStatus.PENDING;
        String reason = clusterProblem != null ? clusterProblem : connectProblem;
        return new ProbeResult(clusterProblem == null ? ServiceStatus.RUNNING : ServiceStatus.PENDING, reason,
                Map.of(ServiceDescription.KAFKA_CONNECT_ADDON, connect));
    }

    private String clusterProblem(String bootstrapServers) {
        try {
            EndpointCheck.bootstrapServers(endpoints, bootstrapServers);
        } catch (EndpointRefused refused) {
            return refused.getMessage();
        }
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis(),
                AdminClientConfig.CLIENT_ID_CONFIG, "pipewright-probe");
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().clusterId().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return "Kafka at " + bootstrapServers + " does not answer yet: " + describe(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "probe interrupted";
        }
    }

    private String connectProblem(String url) {
        try {
            http.get().uri(url + "/").retrieve().toBodilessEntity().block(TIMEOUT);
            return null;
        } catch (RuntimeException e) {
            return "Kafka Connect at " + url + " does not answer yet: " + describe(e);
        }
    }

    private static String describe(Throwable failure) {
        Throwable cause = failure instanceof ExecutionException && failure.getCause() != null
                ? failure.getCause() : failure;
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
