package io.pipewright.accounts;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long successful verifications are remembered, how repeated failures are throttled and how long API tokens may
 * live: the operator's settings under {@code pipewright.security}.
 */
@ConfigurationProperties("pipewright.security")
record SecurityProperties(@DefaultValue AuthCache authCache, @DefaultValue Throttle throttle,
                          @DefaultValue Tokens tokens) {

    /**
     * @param maxSize         most verified credentials (passwords and tokens) remembered at once
     * @param lifetime        how long one is remembered after its check
     * @param recheckInterval how often the versions of the remembered users are compared with the database, so a
     *                        change made on another node takes effect here within this
     */
    record AuthCache(@DefaultValue("10000") long maxSize, @DefaultValue("PT1M") Duration lifetime,
                     @DefaultValue("PT2S") Duration recheckInterval) {
    }

    /**
     * @param failuresPerUser    wrong passwords for one user name within the window before further attempts get a 429
     * @param failuresPerAddress failed logins from one client address within the window before its attempts get a 429
     * @param window             how long the failures are counted, from the first one
     */
    record Throttle(@DefaultValue("10") int failuresPerUser, @DefaultValue("50") int failuresPerAddress,
                    @DefaultValue("PT1M") Duration window) {
    }

    /** @param maxLifetime how far in the future a new token's expires_at may be */
    record Tokens(@DefaultValue("P366D") Duration maxLifetime) {
    }
}
