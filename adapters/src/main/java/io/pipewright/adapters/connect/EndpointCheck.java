package io.pipewright.adapters.connect;

import io.pipewright.kernel.policy.EndpointPolicy;
import java.net.URI;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import reactor.core.publisher.Mono;

/**
 * The {@link EndpointPolicy} applied where the control plane opens connections that are not JDBC: before every HTTP
 * request of a WebClient (Connect's REST API), and to a Kafka service's bootstrap servers before an admin client
 * connects.
 */
public final class EndpointCheck {

    private EndpointCheck() {
    }

    /** A filter that checks each request's host and port, resolved at the time of the request. */
    public static ExchangeFilterFunction before(EndpointPolicy endpoints) {
        return (request, next) -> {
            URI url = request.url();
            int port = url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
            return Mono.fromRunnable(() -> endpoints.check(url.getHost(), port))
                    .then(Mono.defer(() -> next.exchange(request)));
        };
    }

    /** Checks every {@code host:port} of a bootstrap server list. */
    public static void bootstrapServers(EndpointPolicy endpoints, String bootstrapServers) {
        for (String server : bootstrapServers.split(",")) {
            int colon = server.lastIndexOf(':');
            endpoints.check(server.substring(0, colon).trim(), Integer.parseInt(server.substring(colon + 1).trim()));
        }
    }
}
