package io.pipewright.kernel.policy;

/**
 * A connection the {@link EndpointPolicy} forbids, found just before it would be opened (a host re-resolved to a
 * denied address since its registration, or a setting the operator changed). The message names the endpoint and the
 * rule, never a secret.
 */
public class EndpointRefused extends RuntimeException {

    public EndpointRefused(String message) {
        super(message, null, false, false);
    }
}
