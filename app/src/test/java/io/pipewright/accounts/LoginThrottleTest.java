package io.pipewright.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Failures are counted per user name and per client address, each against its own bound; at the bound the caller is
 * told how long to wait, and after the window a new attempt is let through.
 */
class LoginThrottleTest {

    private static LoginThrottle throttle(int perUser, int perAddress, Duration window) {
        return new LoginThrottle(new SecurityProperties(new SecurityProperties.AuthCache(10, Duration.ofMinutes(1),
                Duration.ofSeconds(2)), new SecurityProperties.Throttle(perUser, perAddress, window),
                new SecurityProperties.Tokens(Duration.ofDays(1))));
    }

    @Test
    void aUserNameAtItsBoundWaitsFromAnyAddressUntilTheWindowEnds() {
        LoginThrottle throttle = throttle(3, 100, Duration.ofSeconds(1));
        for (int attempt = 0; attempt < 3; attempt++) {
            assertThat(throttle.retryAfter("alice", "10.0.0." + attempt)).isEmpty();
            throttle.recordFailure("alice", "10.0.0." + attempt);
        }

        assertThat(throttle.retryAfter("alice", "10.0.0.9")).hasValueSatisfying(wait ->
                assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1)));
        assertThat(throttle.retryAfter("bob", "10.0.0.9")).as("another user name is not held back").isEmpty();
        await().atMost(Duration.ofSeconds(30)).until(() -> throttle.retryAfter("alice", "10.0.0.9").isEmpty());
    }

    @Test
    void anAddressAtItsBoundWaitsForEveryUserName() {
        LoginThrottle throttle = throttle(100, 4, Duration.ofMinutes(1));
        for (int attempt = 0; attempt < 4; attempt++) {
            assertThat(throttle.retryAfter("user" + attempt, "192.0.2.7")).isEmpty();
            throttle.recordFailure("user" + attempt, "192.0.2.7");
        }

        assertThat(throttle.retryAfter("someone-else", "192.0.2.7")).hasValueSatisfying(wait ->
                assertThat(wait).isGreaterThan(Duration.ofSeconds(50)).isLessThanOrEqualTo(Duration.ofMinutes(1)));
        assertThat(throttle.retryAfter("someone-else", "192.0.2.8")).as("another address is not held back").isEmpty();
    }
}
