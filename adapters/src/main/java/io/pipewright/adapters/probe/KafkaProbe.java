package io.pipewright.adapters.probe;

import io.pipewright.adapters.connect.ConnectCallFailed;
import io.pipewright.adapters.connect.ConnectClient;
import io.pipewright.adapters.connect.EndpointCheck;
import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.kernel.policy.EndpointPolicy;
import io.pipewright.kernel.policy.EndpointRefused;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.sagas.service.ProbeResult;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.stereotype.Component;

/**
 * A Kafka service is Running when its cluster describes itself; its kafka-connect addon is Running when the
 * Connect REST API answers. Every call is bounded ({@code pipewright.external.*}) and what failed is said in words:
 * the reason is shown to the tenant.
 */
@Component
class KafkaProbe {

    private final ConnectClient connect;
    private final ExternalCallLimits limits;
    private final KafkaHandshake handshake;
    private final EndpointPolicy endpoints;

    KafkaProbe(ConnectClient connect, ExternalCallLimits limits, EndpointPolicy endpoints) {
        this.connect = connect;
        this.limits = limits;
        this.handshake = new KafkaHandshake(limits);
        this.endpoints = endpoints;
    }

    ProbeResult probe(KafkaEndpoint endpoint) {
        String clusterProblem = clusterProblem(endpoint.bootstrapServers());
        if (endpoint.connect() == null) {
            return new ProbeResult(clusterProblem == null ? ServiceStatus.RUNNING : ServiceStatus.PENDING,
                    clusterProblem, Map.of());
        }
        String connectProblem = connectProblem(endpoint.connect().url());
        ServiceStatus connectStatus = connectProblem == null ? ServiceStatus.RUNNING : ServiceStatus.PENDING;
        String reason = clusterProblem != null ? clusterProblem : connectProblem;
        return new ProbeResult(clusterProblem == null ? ServiceStatus.RUNNING : ServiceStatus.PENDING, reason,
                Map.of(ServiceDescription.KAFKA_CONNECT_ADDON, connectStatus));
    }

    private String clusterProblem(String bootstrapServers) {
        try {
            EndpointCheck.bootstrapServers(endpoints, bootstrapServers);
        } catch (EndpointRefused refused) {
            return refused.getMessage();
        }
        String first = bootstrapServers.split(",")[0].trim();
        int colon = first.lastIndexOf(':');
        if (colon <= 0) {
            return "Kafka bootstrap server " + first + " has no port";
        }
        String host = first.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(first.substring(colon + 1));
        } catch (NumberFormatException e) {
            return "Kafka bootstrap server " + first + " has no port";
        }
        String notKafka = handshake.problem(host, port);
        if (notKafka != null) {
            return notKafka;
        }
        Map<String, Object> config = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) limits.kafkaRequestTimeout().toMillis(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) limits.kafkaApiTimeout().toMillis(),
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, limits.connectTimeout().toMillis(),
                AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, limits.connectTimeout().toMillis(),
                AdminClientConfig.CLIENT_ID_CONFIG, "pipewright-probe");
        Admin admin = Admin.create(config);
        try {
            admin.describeCluster().clusterId().get(limits.kafkaApiTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException | TimeoutException e) {
            return "Kafka at " + bootstrapServers + " did not describe its cluster within "
                    + ExternalCallLimits.inWords(limits.kafkaApiTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "probe interrupted";
        } finally {
            admin.close(limits.kafkaRequestTimeout());
        }
    }

    private String connectProblem(String url) {
        try {
            connect.ping(url);
            return null;
        } catch (ConnectCallFailed | EndpointRefused e) {
            return e.getMessage();
        } catch (RuntimeException e) {
            return "Kafka Connect at " + url + " did not answer as Kafka Connect";
        }
    }
}
