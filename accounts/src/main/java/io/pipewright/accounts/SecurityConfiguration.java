package io.pipewright.accounts;

import io.pipewright.kernel.access.Caller;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * HTTP Basic (as the reference's {@code curl -u} calls expect) or an API token ({@code Authorization: Bearer}) on
 * every endpoint but health and the API's documentation, checked by {@link Authenticator}. Before anything else,
 * state-changing requests a browser could send from another site are refused ({@link CrossSiteRequestGuard}), since a
 * browser also sends remembered Basic credentials with them. A read-only token may only read: any other method is a
 * 403.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({BootstrapProperties.class, SecurityProperties.class})
class SecurityConfiguration {

    /** The OpenAPI document and its browsable page (springdoc's paths): readable without credentials. */
    private static final String[] API_DOCUMENTATION = {"/v3/api-docs", "/v3/api-docs/**", "/v3/api-docs.yaml",
            "/swagger-ui.html", "/swagger-ui/**", "/webjars/**"};

    @Bean
    SecurityWebFilterChain api(ServerHttpSecurity http, ProblemWriter problems, Authenticator authenticator) {
        AuthenticationWebFilter authentication = new AuthenticationWebFilter(authenticator);
        authentication.setServerAuthenticationConverter(new CredentialsConverter());
        authentication.setAuthenticationSuccessHandler((filterExchange, verified) -> {
            if (verified instanceof CallerAuthentication caller) {
                filterExchange.getExchange().getAttributes().put(Caller.REQUEST_ATTRIBUTE, caller.caller());
            }
            return filterExchange.getChain().filter(filterExchange.getExchange());
        });
        authentication.setAuthenticationFailureHandler((filterExchange, refused) -> refuse(problems,
                filterExchange.getExchange(), refused));
        return http
                .addFilterAt(new CrossSiteRequestGuard(problems), SecurityWebFiltersOrder.FIRST)
                .addFilterAt(authentication, SecurityWebFiltersOrder.AUTHENTICATION)
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                // Stateless: every request carries its credentials, so no request touches a web session.
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .pathMatchers(HttpMethod.GET, API_DOCUMENTATION).permitAll()
                        .pathMatchers("/operator/**", "/actuator/**").access(allowed(true))
                        .anyExchange().access(allowed(false)))
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint((exchange, denied) -> problems.write(exchange,
                                HttpStatus.UNAUTHORIZED, "Authentication required",
                                "Send HTTP Basic credentials of a Pipewright user, or an API token as Bearer."))
                        .accessDeniedHandler((exchange, denied) -> forbidden(problems, exchange)))
                .build();
    }

    /** Verified credentials; an operator's for /operator and /actuator; anything but reading refused to read-only. */
    private static ReactiveAuthorizationManager<AuthorizationContext> allowed(boolean operatorOnly) {
        return (authentication, context) -> authentication
                .map(checked -> new AuthorizationDecision(permits(checked, context.getExchange(), operatorOnly)))
                .defaultIfEmpty(new AuthorizationDecision(false));
    }

    private static boolean permits(Authentication checked, ServerWebExchange exchange, boolean operatorOnly) {
        if (checked instanceof ScrapeToken.Scraper) {
            return ScrapeToken.reaches(exchange);
        }
        if (!(checked instanceof CallerAuthentication caller) || !caller.isAuthenticated()) {
            return false;
        }
        HttpMethod method = exchange.getRequest().getMethod();
        boolean reads = HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method);
        return (!operatorOnly || caller.operator()) && (reads || !caller.readOnly());
    }

    /**
     * Reads the (verified) caller's request body to its end first: a client still sending it when the answer comes
     * would see a broken connection instead of the 403.
     */
    private static Mono<Void> forbidden(ProblemWriter problems, ServerWebExchange exchange) {
        return exchange.getRequest().getBody().doOnNext(DataBufferUtils::release).then(exchange.getPrincipal())
                .map(principal -> principal instanceof CallerAuthentication caller && caller.readOnly())
                .defaultIfEmpty(false)
                .flatMap(readOnly -> problems.write(exchange, HttpStatus.FORBIDDEN, "Forbidden", readOnly
                        ? "This API token is read-only." : "Your membership does not allow this."));
    }

    private static Mono<Void> refuse(ProblemWriter problems, ServerWebExchange exchange, Exception refused) {
        if (refused instanceof CredentialsRefused known) {
            if (known.retryAfter() != null) {
                exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER,
                        Long.toString(known.retryAfter().toSeconds()));
            }
            return problems.write(exchange, known.status(), known.title(), known.getMessage());
        }
        return problems.write(exchange, HttpStatus.UNAUTHORIZED, "Authentication required", refused.getMessage());
    }

    /**
     * Strength 10 by default; tests lower it. A verified password is remembered for a while ({@link
     * VerifiedCredentials}), so bcrypt runs on a user's first request, not on every one.
     */
    @Bean
    PasswordEncoder passwordEncoder(@Value("${pipewright.security.bcrypt-strength:10}") int strength) {
        return new BCryptPasswordEncoder(strength);
    }
}
