package io.pipewright.accounts;

import io.pipewright.kernel.access.Caller;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Users, organizations and memberships in PostgreSQL: what a password is checked against (bcrypt hashes) and which
 * organizations, with which permissions, its caller has. Operators get the ADMIN role (/operator, /actuator). Every
 * change to what a user's credentials grant (password, operator flag, memberships) raises the user's
 * {@code auth_version} in the same statement and forgets the user's remembered verifications on this node; other
 * nodes see the new version within seconds ({@link VerifiedCredentials}).
 */
@Component
class Users {

    static final String OPERATOR_ROLE = "ADMIN";

    private final JdbcTemplate jdbc;
    private final VerifiedCredentials verified;

    Users(JdbcTemplate jdbc, VerifiedCredentials verified) {
        this.jdbc = jdbc;
        this.verified = verified;
    }

    /** What a password of the user is checked against, and the version of the user it was read at. */
    record Account(String username, String passwordHash, boolean operator, long authVersion) {

        @Override
        public String toString() {
            return "Account[username=" + username + ", operator=" + operator + "]";
        }
    }

    Optional<Account> account(String username) {
        return jdbc.query("SELECT username, password_hash, operator, auth_version FROM app_user WHERE username = ?",
                (row, number) -> new Account(row.getString("username"), row.getString("password_hash"),
                        row.getBoolean("operator"), row.getLong("auth_version")), username).stream().findFirst();
    }

    Caller callerNamed(String username) {
        return new Caller(username, memberships(username));
    }

    /** Oldest first: the organization a user joined first is their default one. */
    List<Caller.Membership> memberships(String username) {
        return jdbc.query("""
                SELECT organization_id, permissions FROM membership WHERE username = ?
                ORDER BY joined_at, organization_id""", Users::toMembership, username);
    }

    /** The caller's organizations in their order, with the permissions the caller has there (a token's, if one). */
    List<OrganizationView> organizationsOf(Caller caller) {
        if (caller.memberships().isEmpty()) {
            return List.of();
        }
        Map<UUID, String> names = jdbc.query(
                        "SELECT organization_id, name FROM organization WHERE organization_id = ANY(?)",
                        (row, number) -> Map.entry(row.getObject(1, UUID.class), row.getString(2)),
                        (Object) caller.organizationIds().toArray(UUID[]::new))
                .stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        return caller.memberships().stream().filter(membership -> names.containsKey(membership.organizationId()))
                .map(membership -> new OrganizationView(membership.organizationId(),
                        names.get(membership.organizationId()), membership.permissions()))
                .toList();
    }

    void createOrganization(UUID organizationId, String name) {
        jdbc.update("INSERT INTO organization (organization_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING",
                organizationId, name);
    }

    boolean organizationExists(UUID organizationId) {
        return !jdbc.queryForList("SELECT 1 FROM organization WHERE organization_id = ?", Integer.class,
                organizationId).isEmpty();
    }

    boolean userExists(String username) {
        return !jdbc.queryForList("SELECT 1 FROM app_user WHERE username = ?", Integer.class, username).isEmpty();
    }

    /** Creates the user, or sets the password hash and the operator flag of an existing one. */
    void saveUser(String username, String passwordHash, boolean operator) {
        jdbc.update("""
                INSERT INTO app_user (username, password_hash, operator) VALUES (?, ?, ?)
                ON CONFLICT (username) DO UPDATE SET password_hash = excluded.password_hash,
                    operator = excluded.operator, auth_version = app_user.auth_version + 1""",
                username, passwordHash, operator);
        verified.forgetUser(username);
    }

    /** Sets the password hash, the operator flag or both (null: unchanged); false if there is no such user. */
    boolean updateUser(String username, String passwordHash, Boolean operator) {
        boolean found = jdbc.update("""
                UPDATE app_user SET password_hash = coalesce(?, password_hash), operator = coalesce(?, operator),
                    auth_version = auth_version + 1
                WHERE username = ?""", passwordHash, operator, username) > 0;
        verified.forgetUser(username);
        return found;
    }

    Optional<String> passwordHash(String username) {
        return jdbc.queryForList("SELECT password_hash FROM app_user WHERE username = ?", String.class, username)
                .stream().findFirst();
    }

    void saveMembership(String username, UUID organizationId, Set<String> permissions) {
        jdbc.update("""
                WITH saved AS (
                    INSERT INTO membership (username, organization_id, permissions) VALUES (?, ?, ?::text[])
                    ON CONFLICT (username, organization_id) DO UPDATE SET permissions = excluded.permissions
                    RETURNING username)
                UPDATE app_user SET auth_version = auth_version + 1 WHERE username IN (SELECT username FROM saved)""",
                username, organizationId, permissions.toArray(String[]::new));
        verified.forgetUser(username);
    }

    private static Caller.Membership toMembership(ResultSet row, int number) throws SQLException {
        return new Caller.Membership(row.getObject("organization_id", UUID.class), permissions(row));
    }

    private static Set<String> permissions(ResultSet row) throws SQLException {
        Array permissions = row.getArray("permissions");
        return Set.of((String[]) permissions.getArray());
    }

    record OrganizationView(UUID id, String name, Set<String> permissions) {
    }
}
