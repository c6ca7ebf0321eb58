package io.pipewright.adapters.support;

import io.pipewright.kernel.policy.EndpointPolicy;
import io.pipewright.kernel.service.KafkaConnectEndpoint;
import io.pipewright.kernel.service.PluginInstallation;
import java.util.List;

/** The endpoint policy of the embedded stack: the defaults, with loopback allowed, since every service runs there. */
public final class LocalEndpoints {

    public static final EndpointPolicy POLICY = new EndpointPolicy(List.of("127.0.0.0/8", "::1/128"),
            EndpointPolicy.DEFAULT_DENIED, List.of());

    private LocalEndpoints() {
    }

    /** A Kafka Connect worker at {@code url} as a registration without credentials or CA records it. */
    public static KafkaConnectEndpoint worker(String url) {
        return new KafkaConnectEndpoint(url, PluginInstallation.PREINSTALLED, null, null, null, null, null);
    }
}
