package io.pipewright.accounts;

import io.pipewright.command.web.Violations;
import io.pipewright.kernel.CommandRefused;
import io.pipewright.kernel.access.Caller;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * A user's API tokens for automation: created with the user's password (a token cannot make tokens, so none has more
 * rights than the user's password gave it), listed without their secret, revoked at once. The token itself is in the
 * creation's answer only.
 */
@RestController
@Tag(name = "API tokens")
class TokenController {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}");

    private final ApiTokens tokens;
    private final SecurityProperties properties;

    TokenController(ApiTokens tokens, SecurityProperties properties) {
        this.tokens = tokens;
        this.properties = properties;
    }

    record NewToken(String name, String expiresAt, UUID organizationId, Boolean readOnly) {
    }

    record CreatedToken(UUID id, String name, UUID organizationId, boolean readOnly, Instant expiresAt,
                        Instant createdAt, String token) {

        @Override
        public String toString() {
            return "CreatedToken[id=" + id + ", name=" + name + "]";
        }
    }

    @PostMapping("/tokens")
    @ResponseStatus(HttpStatus.CREATED)
    @ApiResponse(responseCode = "403", description = "Sent with an API token: tokens are created with the user's "
            + "password. Or a browser marked the request cross-site (Sec-Fetch-Site).")
    Mono<CreatedToken> createToken(@RequestBody NewToken request, Caller caller) {
        return ReactiveSecurityContextHolder.getContext().flatMap(context -> {
            if (((CallerAuthentication) context.getAuthentication()).isToken()) {
                return Mono.error(CommandRefused.forbidden("API tokens are created with the user's password"));
            }
            Instant expiresAt = validated(request, caller);
            return blocking(() -> {
                ApiTokens.Created created = tokens.create(caller.username(), request.name(), request.organizationId(),
                        Boolean.TRUE.equals(request.readOnly()), expiresAt);
                ApiTokens.TokenView view = created.token();
                return new CreatedToken(view.id(), view.name(), view.organizationId(), view.readOnly(),
                        view.expiresAt(), view.createdAt(), created.secret());
            });
        });
    }

    @GetMapping("/tokens")
    Mono<List<ApiTokens.TokenView>> listTokens(Caller caller) {
        return blocking(() -> tokens.of(caller.username()));
    }

    @DeleteMapping("/tokens/{tokenId}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> revoke(@PathVariable UUID tokenId, Caller caller) {
        return blocking(() -> tokens.revoke(caller.username(), tokenId))
                .filter(Boolean::booleanValue)
                .switchIfEmpty(Mono.error(() -> CommandRefused.notFound("token " + tokenId + " not found")))
                .then();
    }

    private Instant validated(NewToken request, Caller caller) {
        Violations violations = new Violations();
        if (violations.required("name", request.name())) {
            violations.matches("name", request.name(), NAME,
                    "must be 1 to 64 letters, digits, spaces, dots, hyphens or underscores, starting with a letter "
                            + "or digit");
        }
        Instant expiresAt = null;
        if (violations.required("expires_at", request.expiresAt())) {
            try {
                expiresAt = Instant.parse(request.expiresAt());
                Instant now = Instant.now();
                violations.check("expires_at", expiresAt.isAfter(now) && !expiresAt.isAfter(
                        now.plus(properties.tokens().maxLifetime())), "must be an ISO-8601 instant in the future, "
                        + "at most " + properties.tokens().maxLifetime().toDays() + " days ahead");
            } catch (DateTimeParseException notAnInstant) {
                violations.check("expires_at", false, "must be an ISO-8601 instant such as 2030-01-31T00:00:00Z");
            }
        }
        if (request.organizationId() != null) {
            violations.check("organization_id", caller.isMemberOf(request.organizationId()),
                    "must be an organization you are a member of");
        }
        violations.throwIfAny();
        return expiresAt;
    }

    private static <T> Mono<T> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }
}
