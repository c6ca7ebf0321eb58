package io.pipewright.app.security;

import io.pipewright.kernel.access.Caller;
import java.security.SecureRandom;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.userdetails.ReactiveUserDetailsService;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Users, organizations and memberships in PostgreSQL: what HTTP Basic checks a request against (bcrypt hashes) and
 * which organizations, with which permissions, its caller has. Operators get the ADMIN role (/operator, /actuator).
 * An unknown username is checked against a hash of a random password, so it costs the same bcrypt verification as a
 * wrong password and its answer takes as long.
 */
@Component
class Users implements ReactiveUserDetailsService, Memberships {

    static final String OPERATOR_ROLE = "ADMIN";

    private final JdbcTemplate jdbc;
    private final UserDetails unknownUser;

    Users(JdbcTemplate jdbc, PasswordEncoder encoder) {
        this.jdbc = jdbc;
        byte[] unguessable = new byte[32];
        new SecureRandom().nextBytes(unguessable);
        // Refused even if its password matched: credentials expired are checked after the password.
        this.unknownUser = User.withUsername("unknown user")
                .password(encoder.encode(Base64.getEncoder().encodeToString(unguessable)))
                .credentialsExpired(true).roles().build();
    }

    @Override
    public Mono<UserDetails> findByUsername(String username) {
        return Mono.fromCallable(() -> find(username).orElse(unknownUser)).subscribeOn(Schedulers.boundedElastic());
    }

    private Optional<UserDetails> find(String username) {
        return jdbc.query("SELECT username, password_hash, operator FROM app_user WHERE username = ?",
                (row, number) -> {
                    User.UserBuilder user = User.withUsername(row.getString("username"))
                            .password(row.getString("password_hash"));
                    return row.getBoolean("operator") ? user.roles(OPERATOR_ROLE).build() : user.roles().build();
                }, username).stream().findFirst();
    }

    @Override
    public Caller callerNamed(String username) {
        return new Caller(username, memberships(username));
    }

    /** Oldest first: the organization a user joined first is their default one. */
    List<Caller.Membership> memberships(String username) {
        return jdbc.query("""
                SELECT organization_id, permissions FROM membership WHERE username = ?
                ORDER BY joined_at, organization_id""", Users::toMembership, username);
    }

    List<OrganizationView> organizationsOf(String username) {
        return jdbc.query("""
                SELECT o.organization_id, o.name, m.permissions FROM membership m
                JOIN organization o USING (organization_id)
                WHERE m.username = ? ORDER BY m.joined_at, o.organization_id""",
                (row, number) -> new OrganizationView(row.getObject("organization_id", UUID.class),
                        row.getString("name"), permissions(row)), username);
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
                    operator = excluded.operator""", username, passwordHash, operator);
    }

    Optional<String> passwordHash(String username) {
        return jdbc.queryForList("SELECT password_hash FROM app_user WHERE username = ?", String.class, username)
                .stream().findFirst();
    }

    void saveMembership(String username, UUID organizationId, Set<String> permissions) {
        jdbc.update("""
                INSERT INTO membership (username, organization_id, permissions) VALUES (?, ?, ?::text[])
                ON CONFLICT (username, organization_id) DO UPDATE SET permissions = excluded.permissions""",
                username, organizationId, permissions.toArray(String[]::new));
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
