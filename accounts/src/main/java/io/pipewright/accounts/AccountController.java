package io.pipewright.accounts;

import io.pipewright.command.web.Violations;
import io.pipewright.kernel.CommandRefused;
import io.pipewright.kernel.access.Caller;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The caller's organizations ({@code GET /organizations}), and for operators the accounts: organizations, users
 * (passwords stored as bcrypt hashes) and memberships with their permissions.
 */
@RestController
@Tag(name = "Accounts")
class AccountController {

    private static final Pattern USERNAME = Pattern.compile("[a-z0-9][a-z0-9._-]{2,63}");
    private static final Pattern ORGANIZATION_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 _-]{0,63}");
    private static final Set<String> PERMISSIONS = Set.of(Caller.SERVICE_CREATE);
    private static final int MIN_PASSWORD = 12;
    private static final int MAX_PASSWORD = 128;

    private final Users users;
    private final PasswordEncoder encoder;

    AccountController(Users users, PasswordEncoder encoder) {
        this.users = users;
        this.encoder = encoder;
    }

    @GetMapping("/organizations")
    Mono<List<Users.OrganizationView>> organizations(Caller caller) {
        return blocking(() -> users.organizationsOf(caller));
    }

    record NewOrganization(String name) {
    }

    @PostMapping("/operator/organizations")
    @ResponseStatus(HttpStatus.CREATED)
    @ApiResponse(responseCode = "409", description = "An organization of that name exists.")
    Mono<Users.OrganizationView> createOrganization(@RequestBody NewOrganization request) {
        Violations violations = new Violations();
        if (violations.required("name", request.name())) {
            violations.matches("name", request.name(), ORGANIZATION_NAME,
                    "must be 1 to 64 letters, digits, spaces, hyphens or underscores, starting with a letter or digit");
        }
        violations.throwIfAny();
        UUID id = UUID.randomUUID();
        return blocking(() -> {
            users.createOrganization(id, request.name());
            if (!users.organizationExists(id)) {
                throw CommandRefused.conflict("an organization named " + request.name() + " exists already");
            }
            return new Users.OrganizationView(id, request.name(), Set.of());
        });
    }

    record NewUser(String username, String password, Boolean operator) {

        @Override
        public String toString() {
            return "NewUser[username=" + username + ", operator=" + operator + "]";
        }
    }

    record UserView(String username, boolean operator) {
    }

    @PostMapping("/operator/users")
    @ResponseStatus(HttpStatus.CREATED)
    @ApiResponse(responseCode = "409", description = "A user of that name exists.")
    Mono<UserView> createUser(@RequestBody NewUser request) {
        Violations violations = new Violations();
        if (violations.required("username", request.username())) {
            violations.matches("username", request.username(), USERNAME, "must be 3 to 64 lowercase letters, digits, "
                    + "dots, hyphens or underscores, starting with a letter or digit");
        }
        if (violations.required("password", request.password())) {
            checkPassword(violations, request.password());
        }
        violations.throwIfAny();
        boolean operator = Boolean.TRUE.equals(request.operator());
        return blocking(() -> {
            if (users.userExists(request.username())) {
                throw CommandRefused.conflict("user " + request.username() + " exists already");
            }
            users.saveUser(request.username(), encoder.encode(request.password()), operator);
            return new UserView(request.username(), operator);
        });
    }

    record UserChange(String password, Boolean operator) {

        @Override
        public String toString() {
            return "UserChange[operator=" + operator + "]";
        }
    }

    /**
     * Sets a user's password, operator flag or both; what their remembered verifications and API tokens grant
     * follows at once on this node and within seconds on others.
     */
    @PatchMapping("/operator/users/{username}")
    Mono<UserView> changeUser(@PathVariable String username, @RequestBody UserChange request) {
        Violations violations = new Violations();
        violations.check("password", request.password() != null || request.operator() != null,
                "password or operator is required");
        if (request.password() != null) {
            checkPassword(violations, request.password());
        }
        violations.throwIfAny();
        return blocking(() -> {
            String hash = request.password() == null ? null : encoder.encode(request.password());
            if (!users.updateUser(username, hash, request.operator())) {
                throw CommandRefused.notFound("user " + username + " not found");
            }
            return new UserView(username, users.account(username).map(Users.Account::operator).orElse(false));
        });
    }

    private static void checkPassword(Violations violations, String password) {
        violations.check("password", password.length() >= MIN_PASSWORD && password.length() <= MAX_PASSWORD,
                "must be " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
        violations.check("password", password.chars().noneMatch(Character::isISOControl),
                "must not contain control characters");
        violations.check("password", Passwords.fitsBcrypt(password),
                "must be at most " + Passwords.BCRYPT_MAX_BYTES + " bytes in UTF-8 (bcrypt reads no further)");
    }

    record MembershipRequest(List<String> permissions) {
    }

    record MembershipView(UUID organizationId, String username, Set<String> permissions) {
    }

    /** Adds the user to the organization, or changes their permissions there; an empty list makes them read-only. */
    @PutMapping("/operator/organizations/{organizationId}/members/{username}")
    Mono<MembershipView> setMembership(@PathVariable UUID organizationId, @PathVariable String username,
                                       @RequestBody MembershipRequest request) {
        Violations violations = new Violations();
        if (violations.required("permissions", request.permissions())) {
            violations.check("permissions", request.permissions().stream().allMatch(
                    permission -> permission != null && PERMISSIONS.contains(permission)),
                    "may contain only " + PERMISSIONS);
        }
        violations.throwIfAny();
        Set<String> permissions = Set.copyOf(request.permissions());
        return blocking(() -> {
            if (!users.organizationExists(organizationId)) {
                throw CommandRefused.notFound("organization " + organizationId + " not found");
            }
            if (!users.userExists(username)) {
                throw CommandRefused.notFound("user " + username + " not found");
            }
            users.saveMembership(username, organizationId, permissions);
            return new MembershipView(organizationId, username, permissions);
        });
    }

    private static <T> Mono<T> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }
}
