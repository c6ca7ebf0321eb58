package io.pipewright.accounts;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * API tokens in PostgreSQL: 32 random bytes, shown once at creation; only their SHA-256 is stored. Revoking one raises
 * its user's {@code auth_version} in the same statement, so every node forgets it (this one at once).
 */
@Component
class ApiTokens {

    private static final String PREFIX = "pwt_";

    private final JdbcTemplate jdbc;
    private final VerifiedCredentials verified;
    private final SecureRandom random = new SecureRandom();

    ApiTokens(JdbcTemplate jdbc, VerifiedCredentials verified) {
        this.jdbc = jdbc;
        this.verified = verified;
    }

    record TokenView(UUID id, String name, UUID organizationId, boolean readOnly, Instant expiresAt,
                     Instant createdAt, Instant revokedAt) {
    }

    /** What a request's token grants, with its user as they are now. */
    record Found(UUID tokenId, String username, UUID organizationId, boolean readOnly, Instant expiresAt,
                 boolean revoked, boolean userOperator, long userAuthVersion) {
    }

    record Created(TokenView token, String secret) {

        @Override
        public String toString() {
            return "Created[token=" + token + "]";
        }
    }

    Created create(String username, String name, UUID organizationId, boolean readOnly, Instant expiresAt) {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        String secret = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        UUID id = UUID.randomUUID();
        TokenView view = jdbc.queryForObject("""
                INSERT INTO api_token (token_id, username, name, token_sha256, organization_id, read_only, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                RETURNING token_id, name, organization_id, read_only, expires_at, created_at, revoked_at""",
                ApiTokens::toView, id, username, name, VerifiedCredentials.sha256(secret), organizationId, readOnly,
                Timestamp.from(expiresAt));
        return new Created(view, secret);
    }

    List<TokenView> of(String username) {
        return jdbc.query("""
                SELECT token_id, name, organization_id, read_only, expires_at, created_at, revoked_at
                FROM api_token WHERE username = ? ORDER BY created_at, token_id""", ApiTokens::toView, username);
    }

    /** False if the user has no such token; revoking a revoked token changes nothing. */
    boolean revoke(String username, UUID tokenId) {
        Boolean found = jdbc.queryForObject("""
                WITH revoked AS (
                    UPDATE api_token SET revoked_at = now()
                    WHERE token_id = ? AND username = ? AND revoked_at IS NULL RETURNING username),
                bumped AS (
                    UPDATE app_user SET auth_version = auth_version + 1
                    WHERE username IN (SELECT username FROM revoked) RETURNING username)
                SELECT EXISTS (SELECT 1 FROM bumped)
                    OR EXISTS (SELECT 1 FROM api_token WHERE token_id = ? AND username = ?)""",
                Boolean.class, tokenId, username, tokenId, username);
        verified.forgetUser(username);
        return Boolean.TRUE.equals(found);
    }

    Optional<Found> find(byte[] sha256) {
        return jdbc.query("""
                SELECT t.token_id, t.username, t.organization_id, t.read_only, t.expires_at, t.revoked_at,
                    u.operator, u.auth_version
                FROM api_token t JOIN app_user u USING (username) WHERE t.token_sha256 = ?""",
                (row, number) -> new Found(row.getObject("token_id", UUID.class), row.getString("username"),
                        row.getObject("organization_id", UUID.class), row.getBoolean("read_only"),
                        row.getTimestamp("expires_at").toInstant(), row.getTimestamp("revoked_at") != null,
                        row.getBoolean("operator"), row.getLong("auth_version")), sha256).stream().findFirst();
    }

    private static TokenView toView(ResultSet row, int number) throws SQLException {
        Timestamp revokedAt = row.getTimestamp("revoked_at");
        return new TokenView(row.getObject("token_id", UUID.class), row.getString("name"),
                row.getObject("organization_id", UUID.class), row.getBoolean("read_only"),
                row.getTimestamp("expires_at").toInstant(), row.getTimestamp("created_at").toInstant(),
                revokedAt == null ? null : revokedAt.toInstant());
    }
}
