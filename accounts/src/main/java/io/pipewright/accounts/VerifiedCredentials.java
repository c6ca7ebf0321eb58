package io.pipewright.accounts;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Successful verifications, remembered for a short while so a repeated request costs a hash instead of a bcrypt
 * check and reads nothing from the database. A client that keeps sending the same credentials never waits for a
 * bcrypt check again: once an entry is half its lifetime old, the next request is answered from it and verifies the
 * credentials anew in the background, and requests that find nothing at the same moment share one check (no
 * stampede of checks when an entry expires under load). A password is keyed by an HMAC of user name and password under a key
 * drawn at start and never stored, so the cache holds nothing a password could be recovered from; a token by its
 * SHA-256. Failures are never remembered. A change to a user on this node forgets that user's entries at once;
 * every {@code recheck-interval} the versions of the users remembered are compared with the database, so a change
 * made on another node (which raised the user's {@code auth_version}) is seen within seconds.
 */
@Component
class VerifiedCredentials implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(VerifiedCredentials.class);

    private final Cache<String, Remembered> verified;
    private final Map<String, Mono<CallerAuthentication>> checking = new ConcurrentHashMap<>();
    private final long refreshAfterNanos;
    private final Ticker ticker;
    private final ThreadLocal<Mac> mac = ThreadLocal.withInitial(this::newMac);
    private final SecretKeySpec key;
    private final JdbcTemplate jdbc;
    private final ScheduledExecutorService recheck;

    @Autowired
    VerifiedCredentials(SecurityProperties properties, JdbcTemplate jdbc) {
        this(properties, jdbc, Ticker.systemTicker());
    }

    /** {@code ticker} tells the time of both the expiry and the refresh (a test's own clock). */
    VerifiedCredentials(SecurityProperties properties, JdbcTemplate jdbc, Ticker ticker) {
        this.jdbc = jdbc;
        this.ticker = ticker;
        this.verified = Caffeine.newBuilder().maximumSize(properties.authCache().maxSize())
                .expireAfterWrite(properties.authCache().lifetime()).ticker(ticker).build();
        this.refreshAfterNanos = properties.authCache().lifetime().toNanos() / 2;
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        this.key = new SecretKeySpec(random, "HmacSHA256");
        this.recheck = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "verified-credentials-recheck");
            thread.setDaemon(true);
            return thread;
        });
        long interval = properties.authCache().recheckInterval().toMillis();
        recheck.scheduleWithFixedDelay(this::recheckSafely, interval, interval, TimeUnit.MILLISECONDS);
    }

    String passwordKey(String username, String password) {
        Mac mac = this.mac.get();
        mac.update(username.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        return "basic:" + HexFormat.of().formatHex(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
    }

    /** A MAC under this process's key; looking one up costs more than computing it, so each thread keeps its own. */
    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException unavailable) {
            throw new IllegalStateException("HmacSHA256 is unavailable", unavailable);
        }
    }

    static String tokenKey(byte[] tokenSha256) {
        return "token:" + HexFormat.of().formatHex(tokenSha256);
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException unavailable) {
            throw new IllegalStateException("SHA-256 is unavailable", unavailable);
        }
    }

    /** What was remembered for this key; null when nothing is. */
    Remembered find(String key) {
        return verified.getIfPresent(key);
    }

    void remember(String key, CallerAuthentication authentication) {
        verified.put(key, new Remembered(authentication, ticker.read() + refreshAfterNanos));
    }

    /** Whether a request that finds this entry should also verify its credentials anew (half its lifetime passed). */
    boolean refreshDue(Remembered remembered) {
        return ticker.read() - remembered.refreshFromNanos() >= 0;
    }

    /**
     * Runs {@code check} for this key and client address unless one is running: callers that come meanwhile get its
     * outcome, a success is remembered under {@code key}. Failures are shared, never remembered.
     */
    Mono<CallerAuthentication> checkOnce(String key, String clientAddress, Mono<CallerAuthentication> check) {
        String running = key + " " + clientAddress;
        // Out of the map before the outcome reaches anyone, so a request sent after it (a retry) checks afresh.
        return checking.computeIfAbsent(running, ignored -> check
                .doOnNext(checked -> remember(key, checked))
                .doOnTerminate(() -> checking.remove(running))
                .cache());
    }

    void forget(String key) {
        verified.invalidate(key);
    }

    void forgetUser(String username) {
        verified.asMap().values().removeIf(entry -> entry.authentication().getName().equals(username));
    }

    /** Forgets every entry whose user's version in the database is not the one it was read at (or who is gone). */
    void recheck() {
        List<String> usernames = verified.asMap().values().stream().map(entry -> entry.authentication().getName())
                .distinct().toList();
        if (usernames.isEmpty()) {
            return;
        }
        Map<String, Long> versions = jdbc.query("SELECT username, auth_version FROM app_user WHERE username = ANY(?)",
                        (row, number) -> Map.entry(row.getString(1), row.getLong(2)),
                        (Object) usernames.toArray(String[]::new))
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        verified.asMap().values().removeIf(entry -> !Long.valueOf(entry.authentication().authVersion())
                .equals(versions.get(entry.authentication().getName())));
    }

    private void recheckSafely() {
        try {
            recheck();
        } catch (RuntimeException failed) {
            LOG.warn("Could not compare the remembered users' versions with the database: {}", failed.toString());
        }
    }

    /** A verification, and from when on a request that finds it also verifies the credentials anew. */
    record Remembered(CallerAuthentication authentication, long refreshFromNanos) {
    }

    @Override
    public void destroy() {
        recheck.shutdownNow();
    }
}
