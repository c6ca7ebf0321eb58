package io.pipewright.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * Tokens that are no tokens count against their client address: at the bound the address gets a 429 without a
 * lookup, while other addresses are still looked up.
 */
class InvalidTokenThrottleTest {

    private final SecurityProperties properties = new SecurityProperties(new SecurityProperties.AuthCache(100,
            Duration.ofMinutes(1), Duration.ofSeconds(2)), new SecurityProperties.Throttle(10, 3,
            Duration.ofMinutes(1)), new SecurityProperties.Tokens(Duration.ofDays(1)));
    private final VerifiedCredentials verified = new VerifiedCredentials(properties, mock(JdbcTemplate.class));
    private final ApiTokens tokens = mock(ApiTokens.class);
    private final Authenticator authenticator = new Authenticator(mock(Users.class), tokens,
            new BCryptPasswordEncoder(4), verified, new LoginThrottle(properties), new ScrapeToken(""));

    @AfterEach
    void stopRecheck() {
        verified.destroy();
    }

    @Test
    void anAddressSendingInvalidTokensIsThrottledWithoutFurtherLookups() {
        when(tokens.find(any())).thenReturn(Optional.empty());
        for (int attempt = 0; attempt < 3; attempt++) {
            assertThat(refusal("pwt_guess" + attempt, "192.0.2.1").title()).isEqualTo("Invalid token");
        }

        CredentialsRefused throttled = refusal("pwt_guess3", "192.0.2.1");

        assertThat(throttled.status()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(throttled.retryAfter()).isPositive();
        verify(tokens, times(3)).find(any());
        assertThat(refusal("pwt_guess4", "192.0.2.2").title()).isEqualTo("Invalid token");
        verify(tokens, times(4)).find(any());
    }

    private CredentialsRefused refusal(String token, String clientAddress) {
        return catchThrowableOfType(CredentialsRefused.class,
                () -> authenticator.authenticate(PresentedCredentials.bearer(token, clientAddress)).block());
    }
}
