package io.pipewright.adapters.limits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

/** The limits bind from {@code pipewright.external.*}, default safely, and refuse combinations that defeat them. */
class ExternalCallLimitsTest {

    @Test
    void theDefaultsBoundEveryCall() {
        ExternalCallLimits limits = ExternalCallLimits.defaults();
        assertThat(limits.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(limits.postgresLoginTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(limits.postgresReadTimeout()).isEqualTo(Duration.ofSeconds(40));
        assertThat(limits.postgresStatementTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(limits.postgresLockTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(limits.tcpKeepAlive()).isTrue();
        assertThat(limits.connectResponseTimeout()).isEqualTo(Duration.ofSeconds(45));
        assertThat(limits.connectMaxResponseSize()).isEqualTo(DataSize.ofMegabytes(16));
        assertThat(limits.kafkaRequestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(limits.kafkaApiTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void anOperatorsSettingsAreBound() {
        ExternalCallLimits limits = bind(Map.of("pipewright.external.postgres-lock-timeout", "2s",
                "pipewright.external.connect-max-response-size", "4MB"));
        assertThat(limits.postgresLockTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(limits.connectMaxResponseSize()).isEqualTo(DataSize.ofMegabytes(4));
    }

    @Test
    void aReadBoundNotLongerThanTheStatementTimeoutIsRefused() {
        assertThatThrownBy(() -> bind(Map.of("pipewright.external.postgres-read-timeout", "30s")))
                .isInstanceOf(BindException.class).rootCause()
                .hasMessageStartingWith("pipewright.external.postgres-read-timeout (PT30S) must be longer than"
                        + " postgres-statement-timeout (PT30S)");
    }

    private static ExternalCallLimits bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("pipewright.external",
                ExternalCallLimits.class);
    }
}
