package io.pipewright.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;
import static org.mockito.Mockito.atLeast;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.pipewright.kernel.access.Caller;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import reactor.core.publisher.Flux;

/**
 * A client that keeps sending the same password never waits for bcrypt after its first request: requests that find
 * nothing remembered at the same moment share one check, and an entry half its lifetime old is verified anew in the
 * background while the request is answered from memory. A password changed meanwhile is then forgotten.
 */
class RememberedVerificationTest {

    private static final Duration LIFETIME = Duration.ofMillis(600);

    private final SecurityProperties properties = new SecurityProperties(new SecurityProperties.AuthCache(100,
            LIFETIME, Duration.ofMinutes(5)), new SecurityProperties.Throttle(10, 100, Duration.ofMinutes(1)),
            new SecurityProperties.Tokens(Duration.ofDays(1)));
    /** The cache's clock, moved by the test: entries age exactly as much as it says, with no waiting. */
    private final AtomicLong now = new AtomicLong();
    private final VerifiedCredentials verified = new VerifiedCredentials(properties, mock(JdbcTemplate.class),
            now::get);
    private final BCryptPasswordEncoder encoder = new BCryptPasswordEncoder(4);
    private final Users users = mock(Users.class);
    private final Authenticator authenticator = new Authenticator(users, mock(ApiTokens.class), encoder, verified,
            new LoginThrottle(properties), new ScrapeToken(""));

    @AfterEach
    void stopRecheck() {
        verified.destroy();
    }

    @Test
    void requestsArrivingTogetherShareOneCheck() {
        CountDownLatch checking = new CountDownLatch(1);
        when(users.account("alice")).thenAnswer(asked -> {
            checking.await();
            return account("right-password");
        });
        when(users.callerNamed("alice")).thenReturn(new Caller("alice", List.of()));

        // All sixteen are subscribed by the time toFuture returns; the one check waits for the latch meanwhile.
        var answers = Flux.range(0, 16)
                .flatMap(request -> authenticator.authenticate(password("right-password")))
                .collectList().toFuture();
        checking.countDown();

        assertThat(answers.join()).hasSize(16).allMatch(answer -> answer.getName().equals("alice"));
        verify(users, times(1)).account("alice");
    }

    @Test
    void aRememberedPasswordIsVerifiedAnewInTheBackgroundAndForgottenOnceItChanged() {
        when(users.account("alice")).thenReturn(account("right-password"));
        when(users.callerNamed("alice")).thenReturn(new Caller("alice", List.of()));
        authenticate("right-password");
        verify(users, times(1)).account("alice");

        advance(LIFETIME.dividedBy(2).plusMillis(50));
        when(users.account("alice")).thenReturn(account("changed-on-another-node"));
        assertThat(authenticate("right-password").getName()).as("answered from memory").isEqualTo("alice");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> verify(users, times(2)).account("alice"));

        await().atMost(Duration.ofSeconds(5)).until(() -> verified.find(
                verified.passwordKey("alice", "right-password")) == null);
        CredentialsRefused refused = catchThrowableOfType(CredentialsRefused.class,
                () -> authenticate("right-password"));
        assertThat(refused).isNotNull();
    }

    @Test
    void aClientThatKeepsAskingWaitsForNoCheckWhileItsPasswordStaysRight() {
        when(users.account("alice")).thenReturn(account("right-password"));
        when(users.callerNamed("alice")).thenReturn(new Caller("alice", List.of()));
        authenticate("right-password");
        String key = verified.passwordKey("alice", "right-password");

        // Three lifetimes of steady requests: each finds the entry, refreshed before it could expire.
        for (int round = 0; round < 30; round++) {
            advance(LIFETIME.dividedBy(10));
            assertThat(verified.find(key)).as("round %d", round).isNotNull();
            authenticate("right-password");
            // A refresh this request started has ended (renewed the entry) before the clock moves on.
            await().atMost(Duration.ofSeconds(5)).until(() -> !verified.refreshDue(verified.find(key)));
        }
        verify(users, atLeast(3)).account("alice");
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }

    private Authentication authenticate(String password) {
        return authenticator.authenticate(password(password)).block(Duration.ofSeconds(5));
    }

    private static PresentedCredentials password(String password) {
        return PresentedCredentials.basic("alice", password, "192.0.2.7");
    }

    private Optional<Users.Account> account(String password) {
        return Optional.of(new Users.Account("alice", encoder.encode(password), false, 1));
    }
}
