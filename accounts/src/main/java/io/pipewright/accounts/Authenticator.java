package io.pipewright.accounts;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Checks presented credentials. A password or token verified a moment ago is found in {@link VerifiedCredentials}
 * and costs no bcrypt and no query; otherwise a password is checked with bcrypt against the stored hash (an unknown
 * user name against a hash of a random password, so it costs the same), unless the throttle says to wait, and a
 * token is looked up by its SHA-256. Memberships are read once, here, and travel with the authentication. The
 * {@link ScrapeToken} is recognized before anything else and grants no user.
 */
@Component
class Authenticator implements ReactiveAuthenticationManager {

    private final Users users;
    private final ApiTokens tokens;
    private final PasswordEncoder encoder;
    private final VerifiedCredentials verified;
    private final LoginThrottle throttle;
    private final ScrapeToken scrapeToken;
    private final String unknownUserHash;
    private final Clock clock = Clock.systemUTC();

    Authenticator(Users users, ApiTokens tokens, PasswordEncoder encoder, VerifiedCredentials verified,
                  LoginThrottle throttle, ScrapeToken scrapeToken) {
        this.users = users;
        this.tokens = tokens;
        this.encoder = encoder;
        this.verified = verified;
        this.throttle = throttle;
        this.scrapeToken = scrapeToken;
        byte[] unguessable = new byte[32];
        new SecureRandom().nextBytes(unguessable);
        this.unknownUserHash = encoder.encode(Base64.getEncoder().encodeToString(unguessable));
    }

    @Override
    public Mono<Authentication> authenticate(Authentication authentication) {
        PresentedCredentials presented = (PresentedCredentials) authentication;
        if (presented.isBearer() && scrapeToken.matches(presented.secret())) {
            return Mono.just(ScrapeToken.Scraper.INSTANCE);
        }
        String key = presented.isBearer() ? VerifiedCredentials.tokenKey(VerifiedCredentials.sha256(presented.secret()))
                : verified.passwordKey(presented.username(), presented.secret());
        VerifiedCredentials.Remembered known = verified.find(key);
        if (known == null) {
            return check(key, presented).cast(Authentication.class);
        }
        if (known.authentication().expiredAt(clock.instant())) {
            verified.forget(key);
            return Mono.error(CredentialsRefused.expiredToken());
        }
        if (verified.refreshDue(known)) {
            // Answered from memory; the credentials are verified anew meanwhile, and forgotten if refused (a throttle
            // or an unreachable database is no refusal: the entry then lives out its lifetime).
            check(key, presented).subscribe(checked -> { }, failed -> {
                if (failed instanceof CredentialsRefused refused && refused.status() != HttpStatus.TOO_MANY_REQUESTS) {
                    verified.forget(key);
                }
            });
        }
        return Mono.just(known.authentication());
    }

    /**
     * One check of these credentials from this client address at a time, off the event loop (bcrypt, a query), shared
     * by who asks meanwhile (the throttle counts per address, so its answer is only shared within one); a success is
     * remembered under {@code key}.
     */
    private Mono<CallerAuthentication> check(String key, PresentedCredentials presented) {
        return verified.checkOnce(key, presented.clientAddress(), Mono.fromCallable(() -> presented.isBearer()
                ? checkToken(presented) : checkPassword(presented)).subscribeOn(Schedulers.boundedElastic()));
    }

    private CallerAuthentication checkPassword(PresentedCredentials presented) {
        Optional<Duration> wait = throttle.retryAfter(presented.username(), presented.clientAddress());
        if (wait.isPresent()) {
            throw CredentialsRefused.throttled(wait.get());
        }
        Optional<Users.Account> account = users.account(presented.username());
        boolean matches = encoder.matches(presented.secret(), account.map(Users.Account::passwordHash)
                .orElse(unknownUserHash));
        if (!matches || account.isEmpty()) {
            throw failed(presented);
        }
        Users.Account user = account.get();
        return CallerAuthentication.ofPassword(users.callerNamed(user.username()), user.operator(),
                user.authVersion());
    }

    private CredentialsRefused failed(PresentedCredentials presented) {
        throttle.recordFailure(presented.username(), presented.clientAddress());
        return CredentialsRefused.wrongPassword();
    }

    private CallerAuthentication checkToken(PresentedCredentials presented) {
        Optional<Duration> wait = throttle.retryAfter(presented.clientAddress());
        if (wait.isPresent()) {
            throw CredentialsRefused.throttled(wait.get());
        }
        ApiTokens.Found token = tokens.find(VerifiedCredentials.sha256(presented.secret())).orElseThrow(() -> {
            throttle.recordFailure(presented.clientAddress());
            return CredentialsRefused.invalidToken();
        });
        if (token.revoked()) {
            throw CredentialsRefused.revokedToken();
        }
        if (!clock.instant().isBefore(token.expiresAt())) {
            throw CredentialsRefused.expiredToken();
        }
        return CallerAuthentication.ofToken(token.tokenId(), users.callerNamed(token.username()),
                token.userOperator(), token.organizationId(), token.readOnly(), token.expiresAt(),
                token.userAuthVersion());
    }
}
