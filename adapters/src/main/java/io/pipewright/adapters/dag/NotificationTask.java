package io.pipewright.adapters.dag;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pipewright.adapters.connect.EndpointCheck;
import io.pipewright.adapters.kafka.KafkaClientSecurity;
import io.pipewright.adapters.limits.ExternalCallLimits;
import io.pipewright.adapters.tls.TlsFailures;
import io.pipewright.kernel.dag.DagTask;
import io.pipewright.kernel.policy.EndpointPolicy;
import io.pipewright.kernel.policy.EndpointRefused;
import io.pipewright.kernel.secret.SecretVault;
import io.pipewright.kernel.service.KafkaEndpoint;
import io.pipewright.kernel.service.KafkaSecurity;
import io.pipewright.sagas.dag.DagTaskRunner.Attempt;
import io.pipewright.sagas.dag.DagTaskRunner.Failed;
import io.pipewright.sagas.dag.DagTaskRunner.Outcome;
import io.pipewright.sagas.dag.DagTaskRunner.Succeeded;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * A {@code notification} task (and a run's {@code on_failure} notification): one JSON message on the topic
 * {@code pipewright.dags.notification-topic} ({@code pipewright.notifications}) of the pipeline's Kafka service, for
 * the notification service to deliver on its {@code channel}. Keyed by the pipeline id, so one pipeline's notifications
 * stay in order; {@code acks=all} with idempotence, and the attempt succeeds only once the cluster acknowledged it. The
 * message is delivered at least once: an attempt run again after a crash may send it again.
 * <p>
 * One producer per notification, closed at once: a notification is sent a few times per run at most, so a producer
 * kept per Kafka service would hold a thread and connections to every tenant's cluster between runs, and would need
 * invalidating when a service's password, CA or bootstrap servers change or it is deregistered, and rebuilding for
 * each task's delivery bound; a producer's start (one metadata request) costs less than that. The whole call is
 * bounded by the task's timeout, at most {@link #MAX_BOUND} (a notification that cannot be sent in two minutes is
 * better retried by the saga's backoff). Every Kafka failure is retryable; its text names the cluster, never a
 * password.
 */
@Component
class NotificationTask {

    static final Duration MAX_BOUND = Duration.ofMinutes(2);
    private static final Duration MIN_BOUND = Duration.ofSeconds(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SecretVault vault;
    private final EndpointPolicy endpoints;
    private final ExternalCallLimits limits;
    private final String topic;

    NotificationTask(SecretVault vault, EndpointPolicy endpoints, ExternalCallLimits limits,
                     @Value("${pipewright.dags.notification-topic:pipewright.notifications}") String topic) {
        this.vault = vault;
        this.endpoints = endpoints;
        this.limits = limits;
        this.topic = topic;
    }

    Outcome run(Attempt attempt) {
        DagTask task = attempt.task();
        if (attempt.kafka() == null || attempt.kafka().kafka() == null) {
            return new Failed("task " + task.id() + " sends a notification, but the pipeline names no Kafka service",
                    false, List.of());
        }
        KafkaEndpoint kafka = attempt.kafka().kafka();
        String where = "Kafka at " + kafka.bootstrapServers();
        try {
            EndpointCheck.bootstrapServers(endpoints, kafka.bootstrapServers());
        } catch (EndpointRefused e) {
            return failed(task, e.getMessage());
        } catch (RuntimeException e) {
            return failed(task, "Kafka bootstrap servers " + kafka.bootstrapServers() + " are not host:port");
        }
        Duration bound = bound(attempt.timeout());
        long dueAt = System.nanoTime() + bound.toNanos();
        Producer<String, String> producer;
        try {
            producer = new KafkaProducer<>(settings(kafka, bound));
        } catch (KafkaException e) {
            return failed(task, "a Kafka client for " + kafka.bootstrapServers() + " cannot be set up with the "
                    + "registered security settings (" + kafka.security().protocol().wireName() + ")");
        }
        boolean acknowledged = false;
        try {
            producer.send(new ProducerRecord<>(topic, attempt.pipelineId().toString(), message(attempt)))
                    .get(Math.max(0, dueAt - System.nanoTime()), TimeUnit.NANOSECONDS);
            acknowledged = true;
            return new Succeeded(null, List.of());
        } catch (ExecutionException e) {
            return failed(task, refusal(e.getCause(), where, kafka.security(), bound));
        } catch (KafkaException e) {
            return failed(task, refusal(e, where, kafka.security(), bound));
        } catch (TimeoutException e) {
            return failed(task, notAcknowledged(where, bound));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(task, "interrupted while sending to " + where);
        } finally {
            // A message not acknowledged in time is abandoned: the attempt failed and will be retried.
            producer.close(acknowledged ? limits.kafkaRequestTimeout() : Duration.ZERO);
        }
    }

    /** The task's timeout, within [{@link #MIN_BOUND}, {@link #MAX_BOUND}]. */
    static Duration bound(Duration timeout) {
        return timeout.compareTo(MIN_BOUND) < 0 ? MIN_BOUND : timeout.compareTo(MAX_BOUND) > 0 ? MAX_BOUND : timeout;
    }

    private Map<String, Object> settings(KafkaEndpoint kafka, Duration bound) {
        int request = (int) Math.min(limits.kafkaRequestTimeout().toMillis(), bound.toMillis());
        Map<String, Object> settings = new HashMap<>(KafkaClientSecurity.of(kafka.security(), vault));
        settings.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, "pipewright-dag-notification");
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        settings.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, request);
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(request, bound.toMillis()));
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, bound.toMillis());
        settings.put(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG, limits.connectTimeout().toMillis());
        settings.put(ProducerConfig.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG, limits.connectTimeout().toMillis());
        settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        return settings;
    }

    /** The message, snake_case as the API's JSON; the text's placeholders replaced. */
    private static String message(Attempt attempt) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("pipeline_id", attempt.pipelineId().toString());
        message.put("pipeline_name", attempt.pipelineName());
        message.put("run_id", attempt.runId().toString());
        message.put("execution_date", attempt.executionDate());
        message.put("task_id", attempt.task().id());
        message.put("status", attempt.runStatus());
        message.put("channel", attempt.task().channel());
        message.put("message", Placeholders.inMessage(attempt.task().message(), attempt));
        message.put("sent_at", Instant.now().toString());
        try {
            return JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a map of strings is always JSON", e);
        }
    }

    /** What the cluster refused, in words; the password never, since Kafka's texts hold no secret of ours. */
    private static String refusal(Throwable failure, String where, KafkaSecurity security, Duration bound) {
        if (failure instanceof SaslAuthenticationException) {
            return where + " refused the SASL login of user " + security.username() + " ("
                    + security.mechanism().wireName() + "): authentication failed, check kafka.username and "
                    + "kafka.password";
        }
        if (failure instanceof SslAuthenticationException) {
            return TlsFailures.certificateRefused(failure, where, "kafka.ca_certificate",
                    security.caCertificate() != null).orElse("the TLS handshake with " + where + " failed");
        }
        if (failure instanceof org.apache.kafka.common.errors.TimeoutException) {
            return notAcknowledged(where, bound);
        }
        return where + " did not take the notification: " + (failure.getMessage() != null ? failure.getMessage()
                : failure.getClass().getSimpleName());
    }

    private static String notAcknowledged(String where, Duration bound) {
        return where + " did not acknowledge the notification within " + ExternalCallLimits.inWords(bound);
    }

    private static Failed failed(DagTask task, String why) {
        return new Failed("task " + task.id() + ": " + why, true, List.of());
    }
}
