package io.pipewright.adapters.limits;

import java.time.Duration;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

/**
 * The one place that bounds every call the control plane makes to a registered endpoint (a source's PostgreSQL, a
 * Kafka Connect worker, a Kafka cluster), so a slow or hostile endpoint costs its own tenant a failed call, never a
 * control-plane thread held for ever. Bound from {@code pipewright.external.*}.
 *
 * @param connectTimeout         the TCP connection to any endpoint
 * @param postgresLoginTimeout   a PostgreSQL login from the first byte to ready-for-query (TLS, authentication)
 * @param postgresReadTimeout    the most one PostgreSQL request may wait for its complete answer, however the server
 *                               trickles it; longer than the statement timeout, so the server cancels first
 * @param postgresStatementTimeout the server-side {@code statement_timeout} of every admin session
 * @param postgresLockTimeout    the server-side {@code lock_timeout} of every admin session: a DDL gives up instead of
 *                               queueing behind the application's long transactions (and queueing the application)
 * @param tcpKeepAlive           TCP keepalive on PostgreSQL and Kafka Connect connections
 * @param connectResponseTimeout the most one Kafka Connect request may wait for its complete answer
 * @param connectMaxResponseSize the largest Kafka Connect answer read; a larger one is an error for that worker
 * @param kafkaRequestTimeout    Kafka admin client's {@code request.timeout.ms}, and the handshake's answer bound
 * @param kafkaApiTimeout        Kafka admin client's {@code default.api.timeout.ms}: one admin call in total
 */
@ConfigurationProperties("pipewright.external")
public record ExternalCallLimits(
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("10s") Duration postgresLoginTimeout,
        @DefaultValue("40s") Duration postgresReadTimeout,
        @DefaultValue("30s") Duration postgresStatementTimeout,
        @DefaultValue("5s") Duration postgresLockTimeout,
        @DefaultValue("true") boolean tcpKeepAlive,
        @DefaultValue("45s") Duration connectResponseTimeout,
        @DefaultValue("16MB") DataSize connectMaxResponseSize,
        @DefaultValue("5s") Duration kafkaRequestTimeout,
        @DefaultValue("10s") Duration kafkaApiTimeout) {

    public ExternalCallLimits {
        requirePositive("connect-timeout", connectTimeout);
        requirePositive("postgres-login-timeout", postgresLoginTimeout);
        requirePositive("postgres-read-timeout", postgresReadTimeout);
        requirePositive("postgres-statement-timeout", postgresStatementTimeout);
        requirePositive("postgres-lock-timeout", postgresLockTimeout);
        requirePositive("connect-response-timeout", connectResponseTimeout);
        requirePositive("kafka-request-timeout", kafkaRequestTimeout);
        requirePositive("kafka-api-timeout", kafkaApiTimeout);
        if (postgresReadTimeout.compareTo(postgresStatementTimeout) <= 0) {
            throw new IllegalArgumentException("pipewright.external.postgres-read-timeout (" + postgresReadTimeout
                    + ") must be longer than postgres-statement-timeout (" + postgresStatementTimeout
                    + "), so the server cancels a slow statement before the connection is dropped");
        }
        if (kafkaApiTimeout.compareTo(kafkaRequestTimeout) < 0) {
            throw new IllegalArgumentException("pipewright.external.kafka-api-timeout (" + kafkaApiTimeout
                    + ") must not be shorter than kafka-request-timeout (" + kafkaRequestTimeout + ")");
        }
        if (connectMaxResponseSize == null || connectMaxResponseSize.toBytes() <= 0
                || connectMaxResponseSize.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("pipewright.external.connect-max-response-size must be between 1 byte"
                    + " and 2 GB");
        }
    }

    /** The defaults above, for code and tests that run without Spring. */
    public static ExternalCallLimits defaults() {
        return new Binder(new MapConfigurationPropertySource()).bindOrCreate("pipewright.external",
                ExternalCallLimits.class);
    }

    /** A duration as the texts tenants read say it: "5 s", "1.5 s". */
    public static String inWords(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(Locale.ROOT, "%.1f s",
                millis / 1000.0);
    }

    private static void requirePositive(String name, Duration value) {
        if (value == null || value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("pipewright.external." + name + " must be a positive duration");
        }
    }
}
