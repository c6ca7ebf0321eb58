package io.pipewright.adapters.probe;

import io.pipewright.adapters.connect.ConnectCallFailed;
import io.pipewright.adapters.connect.ConnectClient;
import io.pipewright.adapters.connect.EndpointCheck;
import io.pipewright.adapters.kafka.KafkaClientSecurity;
import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.adapters.tls.RegisteredCa;
import io.pipewright.adapters.tls.TlsFailures;
import io.pipewright.kernel.policy.EndpointPolicy;
import io.pipewright.kernel.policy.EndpointRefused;
import io.pipewright.kernel.secret.SecretVault;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.KafkaSecurity;
import io.pipewright.kernel.service.ServiceDescription;
import io.pipewright.kernel.service.ServiceStatus;
import io.pipewright.sagas.service.ProbeResult;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.IllegalSaslStateException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.UnsupportedSaslMechanismException;
import org.springframework.stereotype.Component;

/**
 * A Kafka service is Running when its cluster describes itself to a client that logs in as registered (security
 * protocol, SASL login, CA); its kafka-connect addon is Running when the Connect REST API answers. A refused login
 * or an unverifiable certificate is Failed, saying which, since it cannot pass until the registration or the server
 * changes; what does not answer yet is Pending. Every call is bounded ({@code pipewright.external.*}) and what failed
 * is said in words, never with a password: the reason is shown to the tenant.
 */
@Component
class KafkaProbe {

    private final ConnectClient connect;
    private final ExternalCallLimits limits;
    private final KafkaHandshake handshake;
    private final EndpointPolicy endpoints;
    private final SecretVault vault;

    KafkaProbe(ConnectClient connect, ExternalCallLimits limits, EndpointPolicy endpoints, SecretVault vault) {
        this.connect = connect;
        this.limits = limits;
        this.handshake = new KafkaHandshake(limits);
        this.endpoints = endpoints;
        this.vault = vault;
    }

    ProbeResult probe(KafkaEndpoint endpoint) {
        Finding cluster = clusterProblem(endpoint);
        ServiceStatus clusterStatus = cluster == null ? ServiceStatus.RUNNING : cluster.status();
        if (endpoint.connect() == null) {
            return new ProbeResult(clusterStatus, cluster == null ? null : cluster.reason(), Map.of());
        }
        Finding worker = connectProblem(endpoint.connect());
        ServiceStatus connectStatus = worker == null ? ServiceStatus.RUNNING : worker.status();
        String reason = cluster != null ? cluster.reason() : worker == null ? null : worker.reason();
        return new ProbeResult(clusterStatus, reason, Map.of(ServiceDescription.KAFKA_CONNECT_ADDON, connectStatus));
    }

    private Finding clusterProblem(KafkaEndpoint endpoint) {
        String bootstrapServers = endpoint.bootstrapServers();
        try {
            EndpointCheck.bootstrapServers(endpoints, bootstrapServers);
        } catch (EndpointRefused refused) {
            return Finding.pending(refused.getMessage());
        }
        String first = bootstrapServers.split(",")[0].trim();
        int colon = first.lastIndexOf(':');
        if (colon <= 0) {
            return Finding.pending("Kafka bootstrap server " + first + " has no port");
        }
        String host = first.substring(0, colon).replace("[", "").replace("]", "");
        int port;
        try {
            port = Integer.parseInt(first.substring(colon + 1));
        } catch (NumberFormatException e) {
            return Finding.pending("Kafka bootstrap server " + first + " has no port");
        }
        KafkaSecurity security = endpoint.security();
        Finding notKafka = handshake.problem(host, port, security.protocol().usesTls()
                ? RegisteredCa.context(security.caCertificate()) : null, security.caCertificate() != null);
        if (notKafka != null) {
            return notKafka;
        }
        return describeCluster(bootstrapServers, security);
    }

    private Finding describeCluster(String bootstrapServers, KafkaSecurity security) {
        Map<String, Object> config = new HashMap<>(KafkaClientSecurity.of(security, vault));
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) limits.kafkaRequestTimeout().toMillis());
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) limits.kafkaApiTimeout().toMillis());
        config.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, limits.connectTimeout().toMillis());
        config.put(AdminClientConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, limits.connectTimeout().toMillis());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "pipewright-probe");
        Admin admin;
        try {
            admin = Admin.create(config);
        } catch (KafkaException e) {
            return Finding.failed("a Kafka client for " + bootstrapServers + " cannot be set up with the registered "
                    + "security settings (" + security.protocol().wireName() + ")");
        }
        try {
            admin.describeCluster().clusterId().get(limits.kafkaApiTimeout().toMillis(), TimeUnit.MILLISECONDS);
            return null;
        } catch (ExecutionException e) {
            Finding refused = refusal(e.getCause(), bootstrapServers, security);
            return refused != null ? refused : timedOut(bootstrapServers);
        } catch (TimeoutException e) {
            return timedOut(bootstrapServers);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Finding.pending("probe interrupted");
        } finally {
            admin.close(limits.kafkaRequestTimeout());
        }
    }

    /** A login or handshake the cluster refused, which no retry changes; null for anything else. */
    private static Finding refusal(Throwable failure, String bootstrapServers, KafkaSecurity security) {
        String kafka = "Kafka at " + bootstrapServers;
        if (failure instanceof SaslAuthenticationException) {
            return Finding.failed(kafka + " refused the SASL login of user " + security.username() + " ("
                    + security.mechanism().wireName() + "): authentication failed, check kafka.username and "
                    + "kafka.password");
        }
        if (failure instanceof UnsupportedSaslMechanismException) {
            return Finding.failed(kafka + " does not accept SASL mechanism " + security.mechanism().wireName()
                    + " on this listener");
        }
        if (failure instanceof IllegalSaslStateException) {
            return Finding.failed(kafka + " does not expect a SASL login on this listener: check "
                    + "kafka.security_protocol");
        }
        if (failure instanceof SslAuthenticationException) {
            return Finding.failed(TlsFailures.certificateRefused(failure, kafka, "kafka.ca_certificate",
                    security.caCertificate() != null).orElse("the TLS handshake with " + kafka + " failed"));
        }
        return null;
    }

    private Finding timedOut(String bootstrapServers) {
        return Finding.pending("Kafka at " + bootstrapServers + " did not describe its cluster within "
                + ExternalCallLimits.inWords(limits.kafkaApiTimeout()));
    }

    private Finding connectProblem(KafkaConnectEndpoint worker) {
        try {
            connect.ping(worker);
            return null;
        } catch (ConnectCallFailed e) {
            return e.cannotSucceed() ? Finding.failed(e.getMessage()) : Finding.pending(e.getMessage());
        } catch (EndpointRefused e) {
            return Finding.pending(e.getMessage());
        } catch (RuntimeException e) {
            return Finding.pending("Kafka Connect at " + worker.url() + " did not answer as Kafka Connect");
        }
    }
}
