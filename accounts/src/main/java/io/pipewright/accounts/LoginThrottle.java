package io.pipewright.accounts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.stereotype.Component;

/**
 * Counts failed logins per user name and per client address, each in a window that starts at its first failure; at
 * the bound, further password checks for that name or from that address are refused with a 429 until the window ends,
 * so guessing costs the guesser time and the control plane no bcrypt. Invalid API tokens count against their address
 * too (each costs a query). Counts live in this node's memory, bounded in number; a credential this node has verified
 * already is not throttled (it proves the password without a check).
 */
@Component
class LoginThrottle {

    private static final long MAX_COUNTED = 100_000;

    private record Failures(Instant windowStart, int count) {
    }

    private final Cache<String, Failures> failures;
    private final SecurityProperties.Throttle settings;
    private final Clock clock = Clock.systemUTC();

    LoginThrottle(SecurityProperties properties) {
        this.settings = properties.throttle();
        this.failures = Caffeine.newBuilder().maximumSize(MAX_COUNTED).expireAfterWrite(settings.window()).build();
    }

    /** How long the caller must wait, if either the user name or the address reached its bound. */
    Optional<Duration> retryAfter(String username, String clientAddress) {
        Instant now = clock.instant();
        return Stream.of(wait(userKey(username), settings.failuresPerUser(), now),
                        wait(addressKey(clientAddress), settings.failuresPerAddress(), now))
                .flatMap(Optional::stream).max(Duration::compareTo);
    }

    void recordFailure(String username, String clientAddress) {
        count(userKey(username));
        count(addressKey(clientAddress));
    }

    /** How long the address must wait before its next API token is looked up, if it reached its bound. */
    Optional<Duration> retryAfter(String clientAddress) {
        return wait(addressKey(clientAddress), settings.failuresPerAddress(), clock.instant());
    }

    /** A token that is no token at all (not a revoked or expired one) counts against its address. */
    void recordFailure(String clientAddress) {
        count(addressKey(clientAddress));
    }

    private void count(String key) {
        Instant now = clock.instant();
        failures.asMap().compute(key, (ignored, counted) -> counted == null || ended(counted, now)
                ? new Failures(now, 1) : new Failures(counted.windowStart(), counted.count() + 1));
    }

    private Optional<Duration> wait(String key, int bound, Instant now) {
        Failures counted = failures.getIfPresent(key);
        if (counted == null || counted.count() < bound || ended(counted, now)) {
            return Optional.empty();
        }
        Duration left = Duration.between(now, counted.windowStart().plus(settings.window()));
        // Retry-After is in whole seconds: round up, so a client that waits as told is let through.
        return Optional.of(Duration.ofSeconds(Math.max(1, (left.toMillis() + 999) / 1000)));
    }

    private boolean ended(Failures counted, Instant now) {
        return !now.isBefore(counted.windowStart().plus(settings.window()));
    }

    private static String userKey(String username) {
        return "user:" + username;
    }

    private static String addressKey(String clientAddress) {
        return "address:" + clientAddress;
    }
}
