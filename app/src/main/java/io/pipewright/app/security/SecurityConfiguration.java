package io.pipewright.app.security;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.server.SecurityWebFilterChain;

/**
 * HTTP Basic on every endpoint but health, as the reference's {@code curl -u} calls expect. Before anything else,
 * state-changing requests a browser could send from another site are refused ({@link CrossSiteRequestGuard}), since
 * a browser also sends remembered Basic credentials with them.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(BootstrapProperties.class)
class SecurityConfiguration {

    @Bean
    SecurityWebFilterChain api(ServerHttpSecurity http, ProblemWriter problems) {
        return http
                .addFilterAt(new CrossSiteRequestGuard(problems), SecurityWebFiltersOrder.FIRST)
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .authorizeExchange(exchanges -> exchanges
                        .pathMatchers("/actuator/health", "/actuator/health/**").permitAll()
                        .pathMatchers("/operator/**", "/actuator/**").hasRole(Users.OPERATOR_ROLE)
                        .anyExchange().authenticated())
                .httpBasic(basic -> basic.authenticationEntryPoint((exchange, denied) -> problems.write(exchange,
                        HttpStatus.UNAUTHORIZED, "Authentication required",
                        "Send HTTP Basic credentials of a Pipewright user.")))
                .exceptionHandling(errors -> errors.accessDeniedHandler((exchange, denied) -> problems.write(exchange,
                        HttpStatus.FORBIDDEN, "Forbidden", "Your membership does not allow this.")))
                .build();
    }

    /** Strength 10 by default; tests lower it, since every request checks the password again. */
    @Bean
    PasswordEncoder passwordEncoder(@Value("${pipewright.security.bcrypt-strength:10}") int strength) {
        return new BCryptPasswordEncoder(strength);
    }
}
